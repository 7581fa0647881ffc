import FerryCore
import FerryCrypto
import FerryWire
import XCTest

/// Announces: identity records spreading hop by hop, each node passing a record on once, within
/// the hop limit and a per-link rate; newest record wins, invalid ones go nowhere.
final class AnnounceTests: XCTestCase {
    /// Nodes linked in a line (0–1–2–…), discovery off so the topology stays as built.
    private func line(_ count: Int, net: TestNet, limits: CoreLimits = CoreLimits()) throws -> [TestNode] {
        let nodes = try net.listeningNodes(count, limits: limits)
        for node in nodes { node.core.discoveryEnabled = false }
        for (left, right) in zip(nodes, nodes.dropFirst()) { net.dial(left, right) }
        return nodes
    }

    /// A record of an identity outside the net, so only the test spreads it.
    private func record(of identity: NodeIdentity, created: UInt64 = 1_000, expires: UInt64 = 10_000_000_000) throws -> [UInt8] {
        try identity.record(created: Timestamp(milliseconds: created), expires: Timestamp(milliseconds: expires)).encoded()
    }

    /// `node` hears an announce on its link to `from`.
    private func inject(_ record: [UInt8], hops: UInt8, at node: TestNode, from: TestNode, net: TestNet) throws {
        let link = try XCTUnwrap(node.core.linkSummaries.first { $0.peer == from.address }?.link)
        net.apply(node.core.linkReceived(link, bytes: Frame.announce(hopsLeft: hops, record: record).encoded(), now: net.now), at: node)
        net.run()
    }

    /// Announces of `record` delivered, as (sender, receiver, hops left).
    private func announces(of record: [UInt8], in net: TestNet) -> [(from: TestNode, to: TestNode, hops: UInt8)] {
        net.frameLog.compactMap { entry in
            guard case .announce(let hops, let bytes) = entry.frame, bytes == record else { return nil }
            return (entry.from, entry.to, hops)
        }
    }

    func testARecordReachesANodeTwoHopsAwayThroughTheMiddle() throws {
        for bLinksFirst in [false, true] {
            let net = TestNet()
            let nodes = try net.listeningNodes(3)
            let (a, r, b) = (nodes[0], nodes[1], nodes[2])
            for node in nodes { node.core.discoveryEnabled = false }
            if bLinksFirst {
                net.dial(b, r)
                net.dial(a, r)
            } else {
                net.dial(a, r)
                net.dial(b, r)
            }
            let context = "b links first: \(bLinksFirst)"
            XCTAssertFalse(a.core.connectedPeers.contains(b.address), context)
            XCTAssertEqual(try a.store.identity(for: b.address), b.core.record.encoded(), context)
            XCTAssertEqual(try b.store.identity(for: a.address), a.core.record.encoded(), context)
            XCTAssertTrue(announces(of: b.core.record.encoded(), in: net).contains { $0.from === r && $0.to === a }, "via r: \(context)")
            let entry = try XCTUnwrap(try a.core.directory(limit: 10).first { $0.address == b.address }, context)
            XCTAssertEqual(entry.source, .announce, context)
            XCTAssertEqual(entry.record, b.core.record.encoded(), context)
            XCTAssertEqual(try a.core.directory(limit: 10).first { $0.address == r.address }?.source, .hello, context)
        }
    }

    func testAnAnnounceTravelsHopByHopAsFarAsItsHopLimit() throws {
        let net = TestNet()
        let nodes = try line(5, net: net)
        let outsider = try NodeIdentity.generate()
        let bytes = try record(of: outsider)
        let learnt = nodes.map(\.core.discoveryCounters.announcesLearnt)
        try inject(bytes, hops: 3, at: nodes[1], from: nodes[0], net: net)
        let has = try nodes.map { try $0.store.identity(for: outsider.address) == bytes }
        XCTAssertEqual(has, [false, true, true, true, false], "three hops: nodes 1, 2 and 3")
        func index(_ node: TestNode) -> Int { nodes.firstIndex { $0 === node }! }
        let sent = announces(of: bytes, in: net)
        XCTAssertEqual(sent.map { index($0.from) }, [1, 2], "passed on hop by hop, never back")
        XCTAssertEqual(sent.map { index($0.to) }, [2, 3])
        XCTAssertEqual(sent.map(\.hops), [2, 1], "one hop less each time")
        XCTAssertEqual(zip(nodes, learnt).map { $0.core.discoveryCounters.announcesLearnt - $1 }, [0, 1, 1, 1, 0])
    }

    func testAHopCountAboveTheLimitIsCappedAtTheLimit() throws {
        let net = TestNet()
        let nodes = try line(3, net: net)
        let bytes = try record(of: try NodeIdentity.generate())
        try inject(bytes, hops: 254, at: nodes[1], from: nodes[0], net: net)
        let limit = CoreLimits().announceHopLimit
        XCTAssertEqual(announces(of: bytes, in: net).map(\.hops), [limit - 1], "a stranger's 254 counts as our limit")
    }

    func testTheDirectoryKeepsAtMostItsCapOfAnnouncedRecords() throws {
        var limits = CoreLimits()
        limits.identitiesKeptMax = 10
        limits.identitiesTrimEvery = 4
        limits.announcesBurst = 1000
        let net = TestNet()
        let nodes = try line(2, net: net, limits: limits)
        let (a, b) = (nodes[0], nodes[1])
        for _ in 0..<25 { try inject(try record(of: try NodeIdentity.generate()), hops: 2, at: b, from: a, net: net) }
        XCTAssertEqual(b.core.discoveryCounters.announcesLearnt, 25)
        let kept = try b.store.identities(limit: 1000).count
        XCTAssertLessThanOrEqual(kept, limits.identitiesKeptMax + limits.identitiesTrimEvery, "trimmed every 4 learnt")
        XCTAssertLessThanOrEqual(try b.core.directory(limit: 1000).count, kept)
    }

    func testEachNodePassesARecordOnOnceSoTheFloodStops() throws {
        // A ring of five with a chord: every record can come back by several ways.
        let net = TestNet()
        let nodes = try line(5, net: net)
        net.dial(nodes[4], nodes[0])
        net.dial(nodes[0], nodes[2])
        let outsider = try NodeIdentity.generate()
        let bytes = try record(of: outsider)
        let learnt = nodes.map(\.core.discoveryCounters.announcesLearnt)
        try inject(bytes, hops: 8, at: nodes[0], from: nodes[4], net: net)
        XCTAssertTrue(try nodes.allSatisfy { try $0.store.identity(for: outsider.address) == bytes })
        XCTAssertEqual(zip(nodes, learnt).map { $0.core.discoveryCounters.announcesLearnt - $1 }, [1, 1, 1, 1, 1])
        let sent = announces(of: bytes, in: net)
        for node in nodes {
            let degree = net.established(node).count
            let targets = sent.filter { $0.from === node }.map { ObjectIdentifier($0.to) }
            XCTAssertEqual(Set(targets).count, targets.count, "never twice to one peer")
            XCTAssertLessThanOrEqual(targets.count, degree - 1, "passed on once, not back where it came from")
        }
        // Hearing it again changes nothing and sends nothing.
        let before = sent.count
        try inject(bytes, hops: 8, at: nodes[0], from: nodes[2], net: net)
        XCTAssertEqual(announces(of: bytes, in: net).count, before)
    }

    func testAnnouncesOverALinksRateAreRefusedWhileOtherLinksAreNot() throws {
        var limits = CoreLimits()
        limits.announcesBurst = 4
        limits.announcesPerSecond = 1
        let net = TestNet()
        let nodes = try net.listeningNodes(3, limits: limits)
        let (r, x, y) = (nodes[0], nodes[1], nodes[2])
        for node in nodes { node.core.discoveryEnabled = false }
        net.dial(x, r)
        net.dial(y, r)
        net.drive(milliseconds: 10_000)  // the link-up announces are forgotten by the budgets
        let records = try (0..<8).map { _ in try record(of: try NodeIdentity.generate()) }
        var learnt: Int { r.core.discoveryCounters.announcesLearnt }
        var rejected: Int { r.core.discoveryCounters.announcesRejected }
        for bytes in records.prefix(6) { try inject(bytes, hops: 2, at: r, from: x, net: net) }
        XCTAssertEqual(learnt, 4)
        XCTAssertEqual(rejected, 2)
        for bytes in records.dropFirst(6) { try inject(bytes, hops: 2, at: r, from: y, net: net) }
        XCTAssertEqual(learnt, 6, "another link has its own budget")
        net.now = net.now.adding(milliseconds: 1_000)
        try inject(records[4], hops: 2, at: r, from: x, net: net)
        XCTAssertEqual(learnt, 7, "and the rate comes back with time")
    }

    func testAnOlderRecordNeverReplacesANewerOne() throws {
        let net = TestNet()
        let nodes = try line(3, net: net)
        let (a, r, b) = (nodes[0], nodes[1], nodes[2])
        let outsider = try NodeIdentity.generate()
        let older = try record(of: outsider, created: 1_000)
        let newer = try record(of: outsider, created: 2_000)
        let newest = try record(of: outsider, created: 3_000)
        try inject(newer, hops: 4, at: r, from: a, net: net)
        XCTAssertEqual(try b.store.identity(for: outsider.address), newer)
        try inject(older, hops: 4, at: r, from: a, net: net)
        XCTAssertEqual(try r.store.identity(for: outsider.address), newer, "rollback refused")
        XCTAssertEqual(try b.store.identity(for: outsider.address), newer)
        XCTAssertTrue(announces(of: older, in: net).filter { $0.from === r }.isEmpty, "and not passed on")
        try inject(newest, hops: 4, at: r, from: a, net: net)
        XCTAssertEqual(try b.store.identity(for: outsider.address), newest, "a newer one replaces it and spreads")
        XCTAssertEqual(r.core.discoveryCounters.announcesLearnt, 2)
        let entry = try XCTUnwrap(try b.core.directory(limit: 10).first { $0.address == outsider.address })
        XCTAssertEqual(entry.source, .announce)
        XCTAssertEqual(entry.record, newest)
    }

    func testExpiredBadlySignedAndMalformedRecordsAreIgnored() throws {
        let net = TestNet()
        let nodes = try line(3, net: net)
        let (a, r, b) = (nodes[0], nodes[1], nodes[2])
        let outsider = try NodeIdentity.generate()
        let wall = net.now.wall.milliseconds
        var forged = try outsider.record(created: Timestamp(milliseconds: 1_000), expires: Timestamp(milliseconds: 10_000_000_000))
        forged.created = Timestamp(milliseconds: 5_000)  // a "newer" record under the old signature
        var flipped = try record(of: outsider)
        flipped[flipped.count - 1] ^= 0x01
        let bad: [(String, [UInt8])] = [
            ("expired", try record(of: outsider, created: 0, expires: wall - 1)),
            ("expiring now", try record(of: outsider, created: 0, expires: wall)),
            ("re-dated without a new signature", forged.encoded()),
            ("signature flipped", flipped),
            ("not a record", [1, 2, 3]),
        ]
        for (index, (name, bytes)) in bad.enumerated() {
            try inject(bytes, hops: 4, at: r, from: a, net: net)
            XCTAssertEqual(r.core.discoveryCounters.announcesRejected, index + 1, name)
        }
        XCTAssertNil(try r.store.identity(for: outsider.address))
        XCTAssertNil(try b.store.identity(for: outsider.address))
        XCTAssertEqual(r.core.discoveryCounters.announcesLearnt, 0)
        XCTAssertTrue(net.established(r).count == 2, "an invalid announce does not cost the link")
        XCTAssertFalse(try r.core.directory(limit: 10).contains { $0.address == outsider.address })
    }
}
