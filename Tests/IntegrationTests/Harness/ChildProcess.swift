import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended.
enum Termination: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    var description: String {
        switch self {
        case .exited(let code): return "exit \(code)"
        case .signalled(let signal): return "signal \(signal)"
        }
    }
}

/// One child process started with `posix_spawn`, its stdio redirected to files, reaped by pid.
/// Not `Sendable`: a test owns it on its own thread.
final class ChildProcess {
    let pid: pid_t
    private(set) var termination: Termination?

    /// Starts `executable` with `arguments`; stdin from `stdinPath` (or /dev/null), stdout and
    /// stderr appended to the given files. With `stdoutDescriptor` (a pipe's write end, say),
    /// stdout is that descriptor instead of `stdoutPath`.
    init(
        executable: String, arguments: [String], stdinPath: String?, stdoutPath: String, stderrPath: String,
        stdoutDescriptor: Int32? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
        if let stdoutDescriptor {
            posix_spawn_file_actions_adddup2(&actions, stdoutDescriptor, 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        }
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        // The test holds control and raw sockets; a child must not keep them open.
        Self.closeFrom(3, in: &actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw HarnessError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), which Swift's Glibc module does
    /// not export (it sits behind `_GNU_SOURCE`); skipped where the C library lacks it.
    private static func closeFrom(_ first: Int32, in actions: inout posix_spawn_file_actions_t) {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, first)
    }

    /// Reaps the child if it has ended; never blocks.
    @discardableResult
    func poll() -> Termination? {
        if let termination { return termination }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        let signal = status & 0x7f
        termination = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
        return termination
    }

    var isRunning: Bool { poll() == nil }

    /// Waits for the child to end, polling every few milliseconds; nil if `seconds` pass first.
    func wait(seconds: TimeInterval) -> Termination? {
        let deadline = Date().addingTimeInterval(seconds)
        let iterationsMax = Int(seconds * 1000 / Double(Harness.reapPollMilliseconds)) + 2
        for _ in 0..<iterationsMax {
            if let ended = poll() { return ended }
            if Date() >= deadline { break }
            usleep(Harness.reapPollMilliseconds * 1000)
        }
        return poll()
    }

    func signal(_ number: Int32) {
        guard isRunning else { return }
        kill(pid, number)
    }

    /// SIGTERM, wait up to `graceSeconds`, then SIGKILL and reap.
    @discardableResult
    func terminate(graceSeconds: TimeInterval) -> Termination? {
        signal(SIGTERM)
        if let ended = wait(seconds: graceSeconds) { return ended }
        return killNow()
    }

    /// SIGKILL and reap.
    @discardableResult
    func killNow() -> Termination? {
        signal(SIGKILL)
        return wait(seconds: Harness.killReapSecondsMax)
    }
}
