import Foundation

/// One process a lab started inside a host's namespace: the `ChildProcess` (stopped by pid) and
/// where its output went. Not `Sendable`: owned by the test's lab.
final class LabProcess {
    let host: Int
    let child: ChildProcess
    let stdoutPath: String
    let stderrPath: String

    /// Starts the command `NetnsLab.command(host:…)` made.
    init(host: Int, executable: String, arguments: [String], stdoutPath: String, stderrPath: String) throws {
        self.host = host
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        child = try ChildProcess(executable: executable, arguments: arguments, stdinPath: nil, stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    var pid: pid_t { child.pid }
    var isRunning: Bool { child.isRunning }

    var stdout: String { Self.read(stdoutPath) }
    var stderr: String { Self.read(stderrPath) }
    var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }

    /// Waits for the process to end; throws, after killing it, if `seconds` pass first.
    @discardableResult
    func wait(seconds: TimeInterval) throws -> Termination {
        if let ended = child.wait(seconds: seconds) { return ended }
        child.killNow()
        throw HarnessError("process on host \(host) (pid \(pid)) did not finish within \(seconds) s; killed. stdout: \(stdout.prefix(500)) stderr: \(stderr.prefix(500))")
    }

    /// Waits until the process has printed a line equal to `line`; throws if it ends first.
    func waitForLine(_ line: String, seconds: TimeInterval) throws {
        try waitUntil("host \(host) prints '\(line)'", seconds: seconds) {
            if stdoutLines.contains(line) { return true }
            if let ended = child.poll() {
                throw HarnessError("process on host \(host) ended (\(ended)) before printing '\(line)': \(stderr.prefix(500))")
            }
            return false
        }
    }

    private static func read(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }
}
