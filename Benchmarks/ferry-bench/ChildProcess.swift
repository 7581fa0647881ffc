import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn, known by its PID, stopped by that PID only.
/// Standard input is /dev/null; standard output and error go to files the caller names.
final class ChildProcess {
    let pid: pid_t
    let name: String
    private(set) var exitStatus: Int32?

    private init(pid: pid_t, name: String) {
        self.pid = pid
        self.name = name
    }

    static func spawn(_ executable: String, _ arguments: [String], name: String, stdout: String, stderr: String) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv + [nil], environ)
        guard result == 0 else { throw BenchError.command("cannot start \(executable): \(String(cString: strerror(result)))") }
        return ChildProcess(pid: pid, name: name)
    }

    /// Reaps the child if it has exited; true once it has.
    func poll() -> Bool {
        guard exitStatus == nil else { return true }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid || (result < 0 && errno == ECHILD) {
            exitStatus = result == pid ? status : -1
            return true
        }
        return false
    }

    /// Waits for the child to exit, polling every few milliseconds until `deadline`.
    func waitForExit(_ deadline: Deadline) throws -> Int32 {
        while !poll() {
            try deadline.check()
            MonotonicClock.pause(milliseconds: 5)
        }
        return exitStatus ?? -1
    }

    /// SIGKILL now, and reaps the child: a crash, with no chance to close links or flush anything.
    func killNow() {
        guard !poll() else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        exitStatus = status
    }

    /// SIGTERM, up to `graceSeconds` for a clean stop, then SIGKILL. Safe to call more than once.
    func stop(graceSeconds: Double = 5) {
        guard !poll() else { return }
        kill(pid, SIGTERM)
        let deadline = Deadline(seconds: graceSeconds, what: "\(name) to stop")
        while !poll() && !deadline.passed { MonotonicClock.pause(milliseconds: 5) }
        guard !poll() else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        exitStatus = status
    }
}

/// Runs a short command to completion and returns its standard output, trimmed.
func runCommand(_ executable: String, _ arguments: [String], scratch: String, timeoutSeconds: Double = 30) throws -> String {
    let out = scratch + "/cmd.out", err = scratch + "/cmd.err"
    let child = try ChildProcess.spawn(executable, arguments, name: arguments.first ?? executable, stdout: out, stderr: err)
    defer { child.stop() }
    let status = try child.waitForExit(Deadline(seconds: timeoutSeconds, what: "ferry \(arguments.first ?? "")"))
    let output = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    guard status == 0 else {
        let message = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        throw BenchError.command("ferry \(arguments.joined(separator: " ")): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    return output.trimmingCharacters(in: .whitespacesAndNewlines)
}
