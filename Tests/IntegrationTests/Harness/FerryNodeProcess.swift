import FerryControl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One `ferry` node for a test: its own data directory, `ferry run` as a child process with its
/// log in the data directory's parent, and a control-socket client to look inside.
/// Not `Sendable`: owned by one test.
final class FerryNodeProcess {
    let name: String
    let dataDir: String
    let logPath: String
    let scratch: URL
    /// The node's address, as `ferry init` printed it.
    let address: String
    /// The contact card `ferry id --card` printed.
    let card: String
    /// `--listen` for the next start; port 0 until the first start picks a real one.
    private(set) var listen = "127.0.0.1:0"
    private(set) var peers: [String] = []
    private(set) var child: ChildProcess?
    private(set) var starts = 0
    /// Wraps the `ferry run` command line, e.g. to start it inside a network namespace; its control
    /// socket is a file, so the test still talks to it from here.
    var launcher: ((_ executable: String, _ arguments: [String]) throws -> (String, [String]))?
    /// Extra `ferry run` flags. `--no-discovery` by default: the tests on 127.0.0.1 build exact
    /// topologies, and peer exchange would link the ends of a chain; discovery tests clear it.
    var extraRunArguments: [String] = ["--no-discovery"]
    /// Start with `ferry run --config FILE` and `extraRunArguments` only: the file gives the data
    /// directory, listen address and peers (set `listen` to match for `endpoint`).
    var configFile: String?
    /// The port the running node reported in `status`.
    private(set) var port: UInt16?

    /// Creates the data directory and the identity with `ferry init`.
    init(name: String, scratch: URL) throws {
        self.name = name
        self.scratch = scratch
        dataDir = scratch.appendingPathComponent(name).path
        logPath = scratch.appendingPathComponent("\(name).log").path
        let created = try runFerry(["init", "--data", dataDir], in: scratch)
        guard created.exitCode == 0, let address = created.stdoutLines.last else {
            throw HarnessError("ferry init for \(name) failed: \(created)")
        }
        self.address = address
        let id = try runFerry(["id", "--card", "--data", dataDir], in: scratch)
        guard id.exitCode == 0, let card = id.stdoutLines.last else { throw HarnessError("ferry id --card for \(name) failed: \(id)") }
        self.card = card
    }

    var endpoint: String {
        get throws {
            guard let port else { throw HarnessError("\(name) has not started yet") }
            let host = listen.split(separator: ":").dropLast().joined(separator: ":")
            return "\(host.isEmpty || host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        }
    }

    var isRunning: Bool { child?.isRunning ?? false }

    /// Adds `other` as a contact named after it.
    func addContact(_ other: FerryNodeProcess) throws {
        let added = try runFerry(["contacts", "add", other.name, other.card, "--data", dataDir], in: scratch)
        guard added.exitCode == 0 else { throw HarnessError("contacts add \(other.name) at \(name) failed: \(added)") }
    }

    /// Starts `ferry run` and waits until its control socket answers `status`. `listen` and
    /// `peers` stick for later restarts.
    func start(listen: String? = nil, peers: [String]? = nil) throws {
        guard !isRunning else { throw HarnessError("\(name) is already running") }
        if let listen { self.listen = listen }
        if let peers { self.peers = peers }
        starts += 1
        appendToLog("=== harness: start \(starts) of \(name): listen \(self.listen), peers \(self.peers)")
        let arguments = configFile.map { ["run", "--config", $0] + extraRunArguments }
            ?? ["run", "--data", dataDir, "--listen", self.listen, "--log-level", "debug"]
            + self.peers.flatMap { ["--peer", $0] } + extraRunArguments
        let (executable, wrapped) = try launcher?(try Harness.ferry(), arguments) ?? (try Harness.ferry(), arguments)
        let started = try ChildProcess(
            executable: executable, arguments: wrapped, stdinPath: nil, stdoutPath: logPath, stderrPath: logPath)
        child = started
        try waitUntil("\(name) answers status on its control socket", seconds: Harness.nodeStartSecondsMax) {
            if let ended = started.poll() { throw HarnessError("\(name) exited during start (\(ended))") }
            return (try? self.status()) != nil
        }
        let status = try status()
        guard let portText = status.listen.split(separator: ":").last, let port = UInt16(portText), port != 0 else {
            throw HarnessError("\(name) reports no listen port: '\(status.listen)'")
        }
        self.port = port
        // A restart must come back on the same port, so later peers can keep dialling it.
        let host = self.listen.split(separator: ":").dropLast().joined(separator: ":")
        self.listen = "\(host.isEmpty ? "127.0.0.1" : host):\(port)"
    }

    /// SIGTERM by pid; waits for a clean exit (SIGKILL after the grace period). Returns how it ended.
    @discardableResult
    func stop() -> Termination? {
        guard let child else { return nil }
        defer { self.child = nil }
        appendToLog("=== harness: SIGTERM to \(name) (pid \(child.pid))")
        return child.terminate(graceSeconds: Harness.nodeStopSecondsMax)
    }

    /// SIGKILL by pid: a crash, no chance to clean up.
    func kill9() {
        guard let child else { return }
        child.killNow()
        appendToLog("=== harness: SIGKILL to \(name) (pid \(child.pid))")
        self.child = nil
    }

    /// Starts again on the same data directory, listen port and peers.
    func restart() throws {
        if isRunning { stop() }
        try start()
    }

    // MARK: Control socket

    func client() throws -> ControlClient {
        try ControlClient(socketPath: dataDir + "/control.sock", dataDir: dataDir)
    }

    func status() throws -> NodeStatus {
        let reply = try client().call(ControlRequest(op: "status"), timeoutMilliseconds: 5_000)
        guard reply.ok, let status = reply.status else { throw HarnessError("\(name) status failed: \(reply)") }
        return status
    }

    func peerLinks() throws -> [PeerInfo] {
        let reply = try client().call(ControlRequest(op: "peers"), timeoutMilliseconds: 5_000)
        guard reply.ok, let peers = reply.peers else { throw HarnessError("\(name) peers failed: \(reply)") }
        return peers
    }

    /// `ferry status --json`, as scripts read it.
    func statusJSON() throws -> NodeStatus {
        let shown = try runFerry(["status", "--json", "--data", dataDir], in: scratch)
        guard shown.exitCode == 0, let line = shown.stdoutLines.first else { throw HarnessError("\(name) status --json failed: \(shown)") }
        return try ControlJSON.decode(NodeStatus.self, from: Array(line.utf8))
    }

    /// `ferry peers --json`, one link per line.
    func peersJSON() throws -> [PeerInfo] {
        let shown = try runFerry(["peers", "--json", "--data", dataDir], in: scratch)
        guard shown.exitCode == 0 else { throw HarnessError("\(name) peers --json failed: \(shown)") }
        return try shown.stdoutLines.map { try ControlJSON.decode(PeerInfo.self, from: Array($0.utf8)) }
    }

    /// The whole inbox, through the CLI's `inbox --json`.
    func inbox() throws -> [InboxItem] {
        let listed = try runFerry(["inbox", "--json", "--data", dataDir], in: scratch)
        guard listed.exitCode == 0 else { throw HarnessError("\(name) inbox --json failed: \(listed)") }
        return try listed.stdoutLines.map { try ControlJSON.decode(InboxItem.self, from: Array($0.utf8)) }
    }

    /// Waits (control op `wait`) for the delivery proof of `id`; returns the reply (its `path` and
    /// `hops` say how the message got there).
    @discardableResult
    func waitForReceipt(_ id: String, seconds: TimeInterval = Harness.deliverySecondsMax) throws -> ControlReply {
        let reply: ControlReply
        do {
            reply = try client().call(ControlRequest(op: "wait", id: id), timeoutMilliseconds: Int(seconds * 1000))
        } catch ControlError.timedOut {
            throw HarnessError("\(name) got no delivery proof for \(id) within \(seconds) s")
        }
        guard reply.ok, reply.delivered == true, reply.id == id else {
            throw HarnessError("\(name) wait \(id): unexpected reply \(reply)")
        }
        return reply
    }

    // MARK: Log

    func logText() -> String {
        String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self)
    }

    func logTail(lines: Int = Harness.logTailLines) -> String {
        logText().split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// How many log lines contain `text`.
    func logCount(_ text: String) -> Int {
        logText().split(separator: "\n").filter { $0.contains(text) }.count
    }

    private func appendToLog(_ line: String) {
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: logPath) else { return }
        handle.seekToEndOfFile()
        handle.write(Data((line + "\n").utf8))
        handle.closeFile()
    }
}
