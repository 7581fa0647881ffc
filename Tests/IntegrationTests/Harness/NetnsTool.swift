import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Limits of the network-namespace lab, unit last.
enum NetnsLimits {
    /// Hosts per lab; host N gets .(10+N), and two digits keep interface names short.
    static let hostsMax = 32
    /// The /24s in 198.18.0.0/15 (RFC 2544's benchmarking range), one per lab.
    static let subnetsCount = 512
    /// Characters of a namespace-name prefix.
    static let prefixCharactersMax = 16
    /// One `ip`, `tc` or `sh` run; they take milliseconds.
    static let commandSecondsMax: TimeInterval = 10
    /// From the last `ip` command until every host link has carrier and an IPv6 link-local address
    /// that is no longer tentative (DAD is off, so the first poll normally succeeds).
    static let readySecondsMax: TimeInterval = 10
    /// SIGTERM to SIGKILL for processes the lab started, at teardown.
    static let processStopGraceSeconds: TimeInterval = 2
    /// Interface names: IFNAMSIZ is 16 bytes with the terminating NUL.
    static let interfaceNameCharactersMax = 15
}

/// What a finished tool run printed.
struct ToolResult {
    let termination: Termination
    let stdout: String
    let stderr: String

    var succeeded: Bool { termination == .exited(0) }
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    /// The first line of stderr, for one-line error messages.
    var reason: String { stderr.split(separator: "\n").first.map(String.init) ?? "no message" }
}

/// The system tools the lab drives (`ip`, `tc`, `sh`, `python3`), each run as a child process
/// through `ChildProcess` (posix_spawn, reaped by pid) with its exit code checked.
enum NetnsTool {
    static let ipPath: String? = locate("ip")
    static let tcPath: String? = locate("tc")
    static let shPath: String? = locate("sh")
    /// The system python3 first: a pyenv shim on PATH needs its environment inside `ip netns exec`.
    static let python3Path: String? = locate("python3")

    /// System directories first, then PATH.
    static func locate(_ name: String) -> String? {
        let system = ["/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/local/bin"]
        let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map(String.init) ?? []
        for directory in system + path {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func ip() throws -> String {
        guard let ipPath else { throw NetnsLab.Unavailable("no `ip` command (install iproute2)") }
        return ipPath
    }

    /// Runs `executable arguments…` to completion (killed after `seconds`), output captured
    /// through files in the temporary directory that are removed afterwards.
    static func run(_ executable: String, _ arguments: [String], seconds: TimeInterval = NetnsLimits.commandSecondsMax) throws -> ToolResult {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-netns-\(UUID().uuidString.prefix(12))").path
        let outPath = base + ".out"
        let errPath = base + ".err"
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        let child = try ChildProcess(executable: executable, arguments: arguments, stdinPath: nil, stdoutPath: outPath, stderrPath: errPath)
        guard let ended = quickWait(child) ?? child.wait(seconds: seconds) ?? { child.killNow(); return nil }() else {
            throw HarnessError("\(commandLine(executable, arguments)) did not finish within \(seconds) s; killed")
        }
        let read = { (path: String) in String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
        return ToolResult(termination: ended, stdout: read(outPath), stderr: read(errPath))
    }

    /// Reaps a child that ends within a few milliseconds, as `ip` does, without paying the
    /// harness's 10 ms poll per command (a 4-host lab runs about 40 of them).
    private static func quickWait(_ child: ChildProcess) -> Termination? {
        for _ in 0..<quickPollsMax {
            if let ended = child.poll() { return ended }
            usleep(quickPollMicroseconds)
        }
        return nil
    }

    private static let quickPollsMax = 100
    private static let quickPollMicroseconds: UInt32 = 250

    /// Runs `ip arguments…`; throws naming the command and its first error line unless it exits 0.
    @discardableResult
    static func ip(_ arguments: [String]) throws -> ToolResult {
        let result = try run(try ip(), arguments)
        guard result.succeeded else {
            throw HarnessError("\(commandLine("ip", arguments)) failed (\(result.termination)): \(result.reason)")
        }
        return result
    }

    /// Runs the shell `script` inside namespace `namespace`; throws unless it exits 0.
    static func shell(in namespace: String, _ script: String) throws {
        guard let shPath else { throw HarnessError("no /bin/sh") }
        let arguments = ["netns", "exec", namespace, shPath, "-c", script]
        let result = try run(try ip(), arguments)
        guard result.succeeded else {
            throw HarnessError("sh -c '\(script)' in \(namespace) failed (\(result.termination)): \(result.reason)")
        }
    }

    static func commandLine(_ executable: String, _ arguments: [String]) -> String {
        ([executable] + arguments).joined(separator: " ")
    }

    // MARK: Namespaces

    /// Names of every network namespace `ip netns list` shows (lines read "NAME" or "NAME (id: N)").
    static func namespaces() throws -> [String] {
        try ip(["netns", "list"]).lines.compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// Pids of the processes inside `namespace`.
    static func pids(in namespace: String) throws -> [pid_t] {
        try ip(["netns", "pids", namespace]).lines.compactMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Names of the links in the root namespace.
    static func rootLinks() throws -> [String] {
        // `ip -o link` lines read "2: NAME: <FLAGS> …" or "3: NAME@PEER: …".
        try ip(["-o", "link", "show"]).lines.compactMap { line in
            let fields = line.split(separator: ":", maxSplits: 2)
            guard fields.count >= 2 else { return nil }
            return fields[1].trimmingCharacters(in: .whitespaces).split(separator: "@").first.map(String.init)
        }
    }

    /// SIGKILLs, by pid, every process left inside `namespace`, then deletes the namespace.
    /// Deleting a namespace destroys the links in it and the veth peers of those links; it is
    /// freed once no process holds it, hence the kill first.
    static func deleteNamespace(_ namespace: String) throws {
        for pid in try pids(in: namespace) where pid > 1 && pid != getpid() {
            kill(pid, SIGKILL)
        }
        try ip(["netns", "delete", namespace])
    }
}
