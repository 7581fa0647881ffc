import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `ferry testbed-child --parent PID -- COMMAND…` (internal, not in help): how the testbed starts
/// each node. It asks the kernel to SIGKILL this process when its parent dies (PR_SET_PDEATHSIG),
/// checks that the parent is still the runner (it may have died before that), then replaces itself
/// with `ferry COMMAND…`, keeping its PID and the death signal. So even a runner killed with
/// SIGKILL leaves no node behind. Linux only.
struct TestbedChildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "testbed-child", abstract: "Internal: start a testbed process that dies with the testbed.", shouldDisplay: false)

    @Option(help: "The runner's PID.") var parent: Int32
    @Argument(parsing: .captureForPassthrough, help: "The ferry command to become.") var command: [String] = []

    /// PR_SET_PDEATHSIG from <linux/prctl.h>.
    static let setDeathSignal: Int32 = 1

    private typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32

    func run() throws {
        let arguments = command.first == "--" ? Array(command.dropFirst()) : command
        guard !arguments.isEmpty else { throw ValidationError("give the ferry command to run after --") }
        // prctl is variadic in C, so Swift does not import it; its first two arguments are plain integers.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl"),
            unsafeBitCast(symbol, to: Prctl.self)(Self.setDeathSignal, UInt(SIGKILL), 0, 0, 0) == 0
        else {
            printError("ferry: cannot ask to be stopped with the testbed: \(String(cString: strerror(errno)))")
            throw ExitCode(3)
        }
        guard getppid() == parent else {
            printError("ferry: the testbed (pid \(parent)) is gone; not starting")
            throw ExitCode(3)
        }
        let executable = "/proc/self/exe"
        let argv: [UnsafeMutablePointer<CChar>?] = (["ferry"] + arguments).map { strdup($0) } + [nil]
        execv(executable, argv)
        printError("ferry: cannot start \(arguments.joined(separator: " ")): \(String(cString: strerror(errno)))")
        throw ExitCode(3)
    }
}
