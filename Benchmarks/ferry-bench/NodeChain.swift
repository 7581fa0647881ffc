import Foundation

/// A → R1 → … → Rk → B on 127.0.0.1: each node linked only to its neighbours, so a message from A
/// can reach B only through the relays. Only A and B know each other (contacts "b" and "a"); the
/// relays are strangers that carry what they are offered. `stop()` stops every node by PID; the
/// scratch directory is removed by its owner.
final class NodeChain {
    let ferry: String
    let root: String
    let a: BenchNode
    let relays: [BenchNode]
    let b: BenchNode

    /// Every node in path order: A, the relays, B.
    var path: [BenchNode] { [a] + relays + [b] }

    init(ferry: String, root: String, relayCount: Int) throws {
        precondition(relayCount >= 1, "a chain has at least one relay")
        self.ferry = ferry
        self.root = root
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false)
        a = BenchNode(name: "A", dataDir: root + "/a")
        b = BenchNode(name: "B", dataDir: root + "/b")
        relays = (1...relayCount).map { index in
            BenchNode(name: relayCount == 1 ? "R" : "R\(index)", dataDir: root + "/r\(index)")
        }
    }

    /// Identities for every node and the two contacts, nothing started.
    func prepare() throws {
        for node in path { try node.initialize(ferry: ferry, scratch: root) }
        try a.addContact("b", card: try b.card(ferry: ferry, scratch: root), ferry: ferry, scratch: root)
        try b.addContact("a", card: try a.card(ferry: ferry, scratch: root), ferry: ferry, scratch: root)
    }

    /// Every node running and linked to its neighbours. The last relay starts first; each node then
    /// dials the next one towards B (pinned), and B dials the last relay, so every link is up as
    /// soon as its dialler starts: no dialler sits in a redial backoff. Discovery is off: with peer
    /// exchange a relay would tell A where B listens, A would dial B, and the chain would be a pair.
    func setUp() throws {
        try prepare()
        let deadline = Deadline(seconds: 30, what: "starting the chain")
        var next: BenchNode?
        for relay in relays.reversed() {
            try relay.start(ferry: ferry, extra: try (next?.seed(deadline) ?? []) + Self.noDiscovery)
            next = relay
        }
        let last = relays[relays.count - 1], first = relays[0]
        try b.start(ferry: ferry, extra: try last.seed(deadline) + Self.noDiscovery)
        try a.start(ferry: ferry, extra: try first.seed(deadline) + Self.noDiscovery)
        for node in path {
            let neighbours = (node === a || node === b) ? 1 : 2
            _ = try node.waitForStatus(deadline) { $0.links >= neighbours }
        }
    }

    static let noDiscovery = ["--no-discovery"]

    /// Stops every node (SIGTERM, then SIGKILL). Safe to call twice.
    func stop() {
        for node in path { node.process?.stop() }
    }
}
