import FerryControl
import Foundation

/// The figures of scenario 18. Times are on the bench's monotonic clock, from spawning the newcomer.
struct ExchangeResult: Codable {
    var name: String
    /// Nodes already in the mesh: the hub (the newcomer's one seed) and the others.
    var meshNodes: Int
    /// Spawn → the newcomer's control socket answers: process start, store open.
    var startToAnswerMs: Double
    /// Spawn → its first link (the seed, dialled at once).
    var startToSeedLinkMs: Double
    /// Spawn → linked to every node of the mesh, all but the seed learnt by peer exchange.
    var startToAllLinksMs: Double
    /// The newcomer's links by how it found each peer (`found_by` in `ferry peers --json`).
    var linksFoundBy: [String: Int]
}

/// Scenario 18: peer exchange on 127.0.0.1, what none of 13–15 measures (13 and 15 link by beacons
/// alone, 14 runs with `--no-discovery`). A hub H and `peers - 1` other nodes form a mesh, each of
/// the others with H as its only `--peer`; discovery is on (the default), so on each link H tells
/// the newcomer to it where the nodes it already knows listen (peer exchange) and they link up,
/// until every one is linked to every other. Then a newcomer N starts with H as its only seed.
/// Figures: N's spawn → its link to H → linked to every node. The second span is peer exchange at
/// work: H's `endpoints` frame on the link coming up, and N's dials (4 at a time, up to 8 links:
/// `CoreLimits.targetLinks`), each a TCP connect, a TLS 1.3 handshake and hellos; its bound,
/// measured in the same run, is the seed link itself, one dial and handshake. Loopback carries no
/// beacons (a LAN address is needed), so every link but the seed is peer exchange's.
struct ExchangeJoin {
    let ferry: String
    let root: String
    let peers: Int

    static let scenarioSeconds: Double = 60
    /// The newcomer's status every 5 ms: a link comes up in a few ms.
    static let pollMilliseconds = 5

    func run() throws -> ExchangeResult {
        let deadline = Deadline(seconds: Self.scenarioSeconds, what: "scenario 18 (peer exchange)")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false)
        let hub = BenchNode(name: "H", dataDir: root + "/h")
        let others = (1..<peers).map { BenchNode(name: "M\($0)", dataDir: root + "/m\($0)") }
        let newcomer = BenchNode(name: "N", dataDir: root + "/n")
        let everyone = [hub] + others + [newcomer]
        defer { everyone.forEach { $0.process?.stop() } }
        for node in everyone { try node.initialize(ferry: ferry, scratch: root) }

        try hub.start(ferry: ferry, extra: [])
        let seed = try hub.seed(deadline)
        for node in others { try node.start(ferry: ferry, extra: seed) }
        // The others learn each other from the hub in the same way and link up; the newcomer starts
        // once that has settled (a full mesh), so it does not share the CPU with their handshakes.
        for node in [hub] + others { _ = try node.waitForStatus(deadline) { $0.links >= others.count } }

        let start = MonotonicClock.nanoseconds()
        try newcomer.start(ferry: ferry, extra: seed)
        _ = try newcomer.waitForStatus(deadline, pollMilliseconds: Self.pollMilliseconds) { _ in true }
        let answered = MonotonicClock.nanoseconds()
        _ = try newcomer.waitForStatus(deadline, pollMilliseconds: Self.pollMilliseconds) { $0.links >= 1 }
        let seedLinked = MonotonicClock.nanoseconds()
        _ = try newcomer.waitForStatus(deadline, pollMilliseconds: Self.pollMilliseconds) { $0.links >= peers }
        let allLinked = MonotonicClock.nanoseconds()
        return ExchangeResult(
            name: "18 peer exchange: a newcomer with one seed", meshNodes: peers,
            startToAnswerMs: Double(answered - start) / 1e6, startToSeedLinkMs: Double(seedLinked - start) / 1e6,
            startToAllLinksMs: Double(allLinked - start) / 1e6, linksFoundBy: try foundBy(newcomer))
    }

    private func foundBy(_ node: BenchNode) throws -> [String: Int] {
        let reply = try node.client().call(ControlRequest(op: "peers"), timeoutMilliseconds: 10_000)
        guard reply.ok, let peers = reply.peers else { throw BenchError.node("\(node.name): peers failed: \(reply.error ?? "?")") }
        var counts: [String: Int] = [:]
        for peer in peers where peer.established { counts[peer.foundBy ?? "?", default: 0] += 1 }
        return counts
    }

    static func markdown(_ r: ExchangeResult) -> [String] {
        let found = r.linksFoundBy.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        let cells = [
            r.name, "\(r.meshNodes)", f(r.startToAnswerMs, 0), f(r.startToSeedLinkMs, 0), f(r.startToAllLinksMs, 0),
            "\(f(r.startToAllLinksMs / r.startToSeedLinkMs, 1))×", f(r.startToAllLinksMs - r.startToSeedLinkMs, 0), found,
        ]
        return [
            "",
            "| scenario | nodes in the mesh | N start → control answers ms | → link to its seed ms | → linked to all ms | ÷ seed link | exchange and dials after the seed link ms | N's links found by |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
            "| " + cells.joined(separator: " | ") + " |",
        ]
    }

    private static func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}
