import FerryControl
import Foundation

/// The figures of scenario 13. Times are on the bench's monotonic clock, from spawning the newcomer.
struct DiscoveryResult: Codable {
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
    /// LAN beacons, two hosts in network namespaces: the second node's spawn → its first link,
    /// with no `--peer` on either; nil with the reason where namespaces cannot be made.
    var beaconStartToLinkMs: Double?
    var beaconLinkFoundBy: [String: Int]?
    var beaconUnavailable: String?
}

/// Scenario 13: discovery on 127.0.0.1. A hub H and `peers - 1` other nodes form a mesh, each of the
/// others with H as its only `--peer`; discovery is on (the default), so on each link H tells the
/// newcomer to it where the nodes it already knows listen (peer exchange) and they link up, until
/// every one is linked to every other. Then a newcomer N starts with H as its only seed. Figures: N's spawn → its link to H → linked to every
/// node. The second span is peer exchange at work: H's `endpoints` frame on the link coming up, and
/// N's dials (4 at a time, up to 8 links: `CoreLimits.targetLinks`), each a TCP connect, a TLS 1.3
/// handshake and hellos; its bound, measured in the same run, is the seed link itself, one dial
/// and handshake.
///
/// LAN beacons need a LAN address (never loopback), so the second half runs where network
/// namespaces can be made (root, iproute2): two hosts on a bridge (`BeaconLab`), a node on each
/// listening on its LAN address, no `--peer` anywhere. The first starts; the second's spawn → its
/// first link is the figure. A node beacons as it starts, so the first node hears the second at
/// once and dials it; compared with the newcomer's seed link above, a dial it was told to make.
struct DiscoveryJoin {
    let ferry: String
    let root: String
    let peers: Int

    static let scenarioSeconds: Double = 60
    /// The newcomer's status every 5 ms: a link comes up in a few ms.
    static let pollMilliseconds = 5

    func run() throws -> DiscoveryResult {
        let deadline = Deadline(seconds: Self.scenarioSeconds, what: "scenario 13 (discovery)")
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
        var result = DiscoveryResult(
            name: "13 discovery: a newcomer with one seed", meshNodes: peers,
            startToAnswerMs: Double(answered - start) / 1e6, startToSeedLinkMs: Double(seedLinked - start) / 1e6,
            startToAllLinksMs: Double(allLinked - start) / 1e6, linksFoundBy: try foundBy(newcomer))
        everyone.forEach { $0.process?.stop() }
        beacons(into: &result)
        return result
    }

    /// The beacon half, or the reason it cannot run here; it never fails the scenario.
    private func beacons(into result: inout DiscoveryResult) {
        if let reason = BeaconLab.unavailableReason {
            result.beaconUnavailable = reason
            return
        }
        progress("13/15 LAN beacons: two hosts on a bridge in network namespaces, no --peer")
        do {
            let lab = try BeaconLab(hosts: 2)
            defer { lab.remove() }
            let nodes = [1, 2].map { BenchNode(name: "L\($0)", dataDir: root + "/lan\($0)") }
            defer { nodes.forEach { $0.process?.stop() } }
            let deadline = Deadline(seconds: Self.scenarioSeconds, what: "scenario 13 (LAN beacons)")
            for node in nodes { try node.initialize(ferry: ferry, scratch: root) }
            try nodes[0].start(ferry: ferry, extra: [], listen: "\(lab.address(1)):7000", launcher: lab.exec(1))
            _ = try nodes[0].waitForStatus(deadline) { _ in true }
            let start = MonotonicClock.nanoseconds()
            try nodes[1].start(ferry: ferry, extra: [], listen: "\(lab.address(2)):7000", launcher: lab.exec(2))
            _ = try nodes[1].waitForStatus(deadline, pollMilliseconds: Self.pollMilliseconds) { $0.links >= 1 }
            result.beaconStartToLinkMs = Double(MonotonicClock.nanoseconds() - start) / 1e6
            result.beaconLinkFoundBy = try foundBy(nodes[1])
        } catch {
            result.beaconUnavailable = "\(error)"
        }
    }

    private func foundBy(_ node: BenchNode) throws -> [String: Int] {
        let reply = try node.client().call(ControlRequest(op: "peers"), timeoutMilliseconds: 10_000)
        guard reply.ok, let peers = reply.peers else { throw BenchError.node("\(node.name): peers failed: \(reply.error ?? "?")") }
        var counts: [String: Int] = [:]
        for peer in peers where peer.established { counts[peer.foundBy ?? "?", default: 0] += 1 }
        return counts
    }

    static func markdown(_ r: DiscoveryResult) -> [String] {
        let found = r.linksFoundBy.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        let cells = [
            r.name, "\(r.meshNodes)", f(r.startToAnswerMs, 0), f(r.startToSeedLinkMs, 0), f(r.startToAllLinksMs, 0),
            "\(f(r.startToAllLinksMs / r.startToSeedLinkMs, 1))×", f(r.startToAllLinksMs - r.startToSeedLinkMs, 0), found,
        ]
        let beacons = r.beaconStartToLinkMs.map { ms in
            "| LAN beacons, 2 hosts in network namespaces, no --peer | second node's start → its first link \(f(ms, 0)) ms, "
                + "\(f(ms / r.startToSeedLinkMs, 1))× the seed link above; found by "
                + (r.beaconLinkFoundBy ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ") + " |"
        } ?? "| LAN beacons | not measured: \(r.beaconUnavailable ?? "?") |"
        return [
            "",
            "| scenario | nodes in the mesh | N start → control answers ms | → link to its seed ms | → linked to all ms | ÷ seed link | exchange and dials after the seed link ms | N's links found by |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
            "| " + cells.joined(separator: " | ") + " |",
            "",
            "| scenario 13, beacons | figure |",
            "| --- | --- |",
            beacons,
        ]
    }

    private static func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}
