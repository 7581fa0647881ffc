import FerryControl
import Foundation

/// A coordinator C (`ferry coordinator`) and nodes A and B that use it, on 127.0.0.1: each node runs
/// with `--coordinator C@127.0.0.1:PORT` (pinned) and `--no-discovery`, so it links only to C and to
/// its `--peer` seeds. A and B know each other (contacts "b" and "a") and are never linked to each
/// other. With a relay R (scenario 10), A and B each have R as a pinned `--peer` and R uses C too:
/// A–R–B is the mesh path for when C is gone. `stop()` stops every process by PID.
final class CoordinatorGroup {
    let ferry: String
    let root: String
    let coordinator: BenchNode
    let a: BenchNode
    let relay: BenchNode?
    let b: BenchNode
    /// C's port, fixed at its first start so a restart listens where the nodes dial.
    private(set) var port: UInt16 = 0

    /// The nodes that use C, in path order: A, R if any, B.
    var nodes: [BenchNode] { [a] + (relay.map { [$0] } ?? []) + [b] }

    init(ferry: String, root: String, withRelay: Bool) throws {
        self.ferry = ferry
        self.root = root
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false)
        coordinator = BenchNode(name: "C", dataDir: root + "/c")
        a = BenchNode(name: "A", dataDir: root + "/a")
        relay = withRelay ? BenchNode(name: "R", dataDir: root + "/r") : nil
        b = BenchNode(name: "B", dataDir: root + "/b")
    }

    /// Identities for all (C's too, so its address can be pinned) and the two contacts.
    func prepare() throws {
        for node in [coordinator] + nodes { try node.initialize(ferry: ferry, scratch: root) }
        try a.addContact("b", card: try b.card(ferry: ferry, scratch: root), ferry: ferry, scratch: root)
        try b.addContact("a", card: try a.card(ferry: ferry, scratch: root), ferry: ferry, scratch: root)
    }

    /// C first (its port is needed by the others), then R, then B and A, each dialling C and, with a
    /// relay, R: every dial finds its listener up, so no one sits in a redial backoff. Returns once
    /// every node shows C up and the mesh links are there.
    func setUp() throws {
        try prepare()
        let deadline = Deadline(seconds: 30, what: "starting C and its nodes")
        try startCoordinator(deadline)
        var seed: [String] = []
        if let relay {
            try relay.start(ferry: ferry, extra: usesCoordinator)
            seed = try relay.seed(deadline)
        }
        try b.start(ferry: ferry, extra: usesCoordinator + seed)
        try a.start(ferry: ferry, extra: usesCoordinator + seed)
        for node in nodes {
            // C, plus R for A and B, plus A and B for R.
            let links = relay == nil ? 1 : (node === relay ? 3 : 2)
            _ = try node.waitForStatus(deadline) { $0.links >= links && Self.coordinatorUp($0) }
        }
    }

    /// `ferry coordinator` on 127.0.0.1: a free port the first time, the same port after. `log`
    /// names its log file, so a restart keeps the first run's log.
    func startCoordinator(_ deadline: Deadline, log: String = "node.log") throws {
        let arguments = ["coordinator", "--data", coordinator.dataDir, "--listen", "127.0.0.1:\(port)", "--log-level", "warning"]
        coordinator.process = try ChildProcess.spawn(
            ferry, arguments, name: "ferry coordinator (C)", stdout: coordinator.dataDir + "/node.out",
            stderr: coordinator.dataDir + "/" + log)
        guard port == 0 else { return }
        guard let listened = UInt16(try coordinator.listenPort(deadline)) else { throw BenchError.node("C listens on no port") }
        port = listened
    }

    /// The flags of a node that uses C.
    var usesCoordinator: [String] {
        ["--coordinator", "\(coordinator.address)@127.0.0.1:\(port)", "--no-discovery"]
    }

    /// The node's status shows every configured coordinator up.
    static func coordinatorUp(_ status: NodeStatus) -> Bool {
        guard let coordinators = status.coordinators, !coordinators.isEmpty else { return false }
        return coordinators.allSatisfy { $0.state == "up" }
    }

    /// The node's status shows every configured coordinator down.
    static func coordinatorDown(_ status: NodeStatus) -> Bool {
        guard let coordinators = status.coordinators, !coordinators.isEmpty else { return false }
        return coordinators.allSatisfy { $0.state != "up" }
    }

    /// Stops every process (SIGTERM, then SIGKILL). Safe to call twice.
    func stop() {
        for node in nodes + [coordinator] { node.process?.stop() }
    }
}
