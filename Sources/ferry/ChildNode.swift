import FerryControl
import FerryNode
import Foundation

/// A `ferry run` child process, for `ferry demo`: started from this same executable, stopped
/// by its PID, and waited for with deadlines rather than fixed sleeps.
final class ChildNode {
    let name: String
    let dir: DataDirectory
    let logPath: String
    private var process: Process?

    init(name: String, root: String) {
        self.name = name
        self.dir = DataDirectory(path: root + "/" + name)
        self.logPath = root + "/" + name + ".log"
    }

    /// Starts `ferry run` and waits until its control socket answers; returns its listen endpoint.
    @discardableResult
    func start(listen: String, peers: [String]) throws -> String {
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["run", "--data", dir.path, "--listen", listen] + peers.flatMap { ["--peer", $0] }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        let status = try waitFor("\(name) to start", seconds: 20) { () -> NodeStatus? in
            guard process.isRunning else { throw DemoError("\(self.name) exited; see \(self.logPath)") }
            return try? self.client().call(ControlRequest(op: "status"), timeoutMilliseconds: 1000).status
        }
        return status.listen
    }

    func client() throws -> ControlClient {
        try ControlClient(socketPath: dir.controlSocketPath, dataDir: dir.path)
    }

    /// SIGTERM by PID, then wait for a clean exit (SIGKILL after the deadline).
    func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
    }
}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}

/// Polls `probe` (every 20 ms, bounded by `seconds`) until it returns a value.
func waitFor<T>(_ what: String, seconds: Double, _ probe: () throws -> T?) throws -> T {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let value = try probe() { return value }
        usleep(20_000)
    }
    throw DemoError("timed out after \(seconds) s waiting for \(what)")
}
