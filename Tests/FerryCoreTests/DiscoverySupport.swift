import FerryCore
import FerryCrypto
import FerryWire
import XCTest

/// Helpers shared by the discovery tests (connection manager, beacons, peer exchange, announces).
extension TestNet {
    /// `count` nodes listening at 198.18.0.`first`…, port 7000, with seeds `first`….
    func listeningNodes(_ count: Int, first: Int = 1, limits: CoreLimits = CoreLimits()) throws -> [TestNode] {
        try (0..<count).map { index in
            let node = try TestNode(seed: UInt64(first + index), limits: limits)
            listen(node, host: "198.18.0.\(first + index)")
            return node
        }
    }

    /// `node` gets `seed`'s listening endpoint as a `--peer` seed (pinned to its address if asked).
    func addSeed(_ seed: TestNode, to node: TestNode, pinned: Bool = false) {
        node.core.addSeed(host: host(of: seed)!, port: seed.core.listenPort, expected: pinned ? seed.address : nil, now: now)
    }

    /// The established links of `node`.
    func established(_ node: TestNode) -> [LinkSummary] {
        node.core.linkSummaries.filter(\.established)
    }

    /// Time between successive dials of `node`.
    func dialGaps(of node: TestNode, since: MonotonicTime = MonotonicTime(milliseconds: 0)) -> [UInt64] {
        let times = dials(of: node, since: since).map(\.at)
        return zip(times.dropFirst(), times).map { $0.since($1) }
    }
}

/// A beacon from `node` for its listen port, signed at `time`.
func beaconBytes(of node: TestNode, port: UInt16? = nil, at time: Timestamp) throws -> [UInt8] {
    try BeaconSigning.beacon(
        from: node.core.identity, listenPort: port ?? node.core.listenPort, capabilities: .all, now: time
    ).encoded()
}

/// The backoff band for the `attempt`-th delay in a row (Backoff: 250 ms doubling to 15 s, ±50 %).
func backoffBand(attempt: Int) -> ClosedRange<UInt64> {
    let base = min(15_000, UInt64(250) << UInt64(min(attempt, 16)))
    return base / 2...base * 3 / 2
}
