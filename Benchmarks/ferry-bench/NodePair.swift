import FerryControl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One `ferry run` process the bench started, with its own temporary data directory.
final class BenchNode {
    let name: String
    let dataDir: String
    var process: ChildProcess?
    var address = ""

    init(name: String, dataDir: String) {
        self.name = name
        self.dataDir = dataDir
    }

    var socketPath: String { dataDir + "/control.sock" }
    var pid: pid_t { process?.pid ?? 0 }

    func client() throws -> ControlClient { try ControlClient(socketPath: socketPath, dataDir: dataDir) }

    func status() throws -> NodeStatus {
        let reply = try client().call(ControlRequest(op: "status"), timeoutMilliseconds: 10_000)
        guard reply.ok, let status = reply.status else { throw BenchError.node("\(name): status failed: \(reply.error ?? "?")") }
        return status
    }

    /// Polls every `pollMilliseconds` until the control socket answers and `condition` holds, or
    /// the deadline passes.
    func waitForStatus(
        _ deadline: Deadline, pollMilliseconds: Int = 20, _ condition: (NodeStatus) -> Bool
    ) throws -> NodeStatus {
        while true {
            if let process, process.poll() { throw BenchError.node("\(name) exited early; see \(dataDir)/node.log") }
            if let status = try? status(), condition(status) { return status }
            try deadline.check()
            MonotonicClock.pause(milliseconds: pollMilliseconds)
        }
    }

    /// The port this node listens on, once its control socket answers.
    func listenPort(_ deadline: Deadline) throws -> String {
        let listen = try waitForStatus(deadline) { _ in true }.listen
        guard let port = listen.split(separator: ":").last else { throw BenchError.node("\(name) listens on '\(listen)'") }
        return String(port)
    }

    /// `--peer` for dialling this node on 127.0.0.1, pinned to its address, once it listens.
    func seed(_ deadline: Deadline) throws -> [String] {
        ["--peer", "\(address)@127.0.0.1:\(try listenPort(deadline))"]
    }

    /// `ferry init`: makes the identity and records the address.
    func initialize(ferry: String, scratch: String) throws {
        address = try runCommand(ferry, ["init", "--data", dataDir], scratch: scratch)
    }

    /// This node's contact card (`ferry id --card`).
    func card(ferry: String, scratch: String) throws -> String {
        try runCommand(ferry, ["id", "--card", "--data", dataDir], scratch: scratch)
    }

    /// `ferry contacts add NAME CARD` in this node's data directory.
    func addContact(_ name: String, card: String, ferry: String, scratch: String) throws {
        _ = try runCommand(ferry, ["contacts", "add", name, card, "--data", dataDir], scratch: scratch)
    }

    /// Starts `ferry run` on a free port of 127.0.0.1; `extra` adds flags such as `--peer`.
    func start(ferry: String, extra: [String]) throws {
        let arguments = ["run", "--data", dataDir, "--listen", "127.0.0.1:0", "--log-level", "warning"] + extra
        process = try ChildProcess.spawn(
            ferry, arguments, name: "ferry run (\(name))", stdout: dataDir + "/node.out", stderr: dataDir + "/node.log")
    }
}

/// Nodes A and B on 127.0.0.1, each with a data directory under `root` and the other as a
/// contact. `setUp()` links them with A dialling B (pinned to B's address); the reconnect scenario
/// starts them itself. `stop()` stops both by PID; the scratch directory is removed by its owner.
final class NodePair {
    let ferry: String
    let root: String
    let a: BenchNode
    let b: BenchNode

    init(ferry: String, root: String) throws {
        self.ferry = ferry
        self.root = root
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false)
        a = BenchNode(name: "A", dataDir: root + "/a")
        b = BenchNode(name: "B", dataDir: root + "/b")
    }

    /// Both nodes running and linked, A the dialler (scenarios 1–3).
    func setUp() throws {
        try prepare()
        try start(b, extra: [])
        try start(a, extra: try b.seed(Deadline(seconds: 20, what: "B's control socket")))
        let linked = Deadline(seconds: 20, what: "the A–B link")
        _ = try a.waitForStatus(linked) { $0.links >= 1 }
        _ = try b.waitForStatus(linked) { $0.links >= 1 }
    }

    /// Identities and contacts for both, nothing started: each scenario decides who runs and who dials.
    func prepare() throws {
        for node in [a, b] { try node.initialize(ferry: ferry, scratch: root) }
        try a.addContact("b", card: try b.card(ferry: ferry, scratch: root), ferry: ferry, scratch: root)
        try b.addContact("a", card: try a.card(ferry: ferry, scratch: root), ferry: ferry, scratch: root)
    }

    /// Starts `ferry run` for `node`; `extra` adds flags such as `--peer`.
    func start(_ node: BenchNode, extra: [String]) throws {
        try node.start(ferry: ferry, extra: extra)
    }

    /// Stops both nodes (SIGTERM, then SIGKILL). Safe to call twice.
    func stop() {
        for node in [a, b] { node.process?.stop() }
    }
}
