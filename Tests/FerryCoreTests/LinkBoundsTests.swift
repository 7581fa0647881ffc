import FerryCore
import FerryCrypto
import FerryWire
import XCTest

/// The bounds on links a peer or a host can hold (CoreLimits), and the one-link-per-peer tie-break.
final class LinkBoundsTests: XCTestCase {
    func testBothDiallingAtOnceLeavesOneLinkBothEndsAgreeOn() throws {
        let pair = try CorePair()
        let fromA = pair.connect()
        let fromB = pair.connect(bDials: true)
        XCTAssertEqual(pair.a.core.linkSummaries.count, 1)
        XCTAssertEqual(pair.b.core.linkSummaries.count, 1)
        // The link dialled by the smaller address stays.
        let kept = pair.a.address < pair.b.address ? fromA : fromB
        XCTAssertEqual(pair.a.core.linkSummaries.first?.link, kept.a)
        XCTAssertEqual(pair.b.core.linkSummaries.first?.link, kept.b)
        XCTAssertTrue(pair.a.rejected.contains { $0.1 == .duplicate } || pair.b.rejected.contains { $0.1 == .duplicate })
        let id = try pair.send("over the one link left")
        XCTAssertEqual(pair.b.delivered.map(\.id), [id])
    }

    func testALinkToItselfIsRefusedAndTheDiallerToldWhy() throws {
        let identity = try NodeIdentity.generate()
        let net = TestNet()
        let node = try TestNode(seed: 1, identity: identity)
        let twin = try TestNode(seed: 2, identity: identity)
        let (out, _) = net.dial(node, twin)
        XCTAssertTrue(node.established.isEmpty)
        XCTAssertTrue(node.rejected.contains { $0.0 == out && $0.1 == .isSelf })
        XCTAssertFalse(net.isOpen(node, out))
    }

    func testHandshakesOverThePerHostBoundEvictTheOldestFromThatHost() throws {
        var limits = CoreLimits()
        limits.handshakingLinksPerHostMax = 3
        limits.handshakingLinksMax = 100
        let node = try TestNode(seed: 1, limits: limits)
        let now = CoreTime(wall: Timestamp(milliseconds: 1_000_000), monotonic: MonotonicTime(milliseconds: 1))
        var closed: [LinkID] = []
        for index in 1...5 {
            let actions = node.core.linkOpened(
                LinkID(UInt64(index)), engine: PlainEngine(publicKey: node.core.identity.signingPublicKey), outbound: false,
                expectedPeer: nil, endpoint: "198.18.0.7:\(1000 + index)", now: now)
            closed += actions.compactMap { if case .close(let link) = $0 { return link } else { return nil } }
        }
        XCTAssertEqual(closed, [LinkID(1), LinkID(2)], "the oldest from the flooding host make room")
        let other = node.core.linkOpened(
            LinkID(9), engine: PlainEngine(publicKey: node.core.identity.signingPublicKey), outbound: false,
            expectedPeer: nil, endpoint: "198.18.0.8:1", now: now)
        XCTAssertFalse(other.contains(.close(LinkID(3))), "another host is not charged for the flood")
        XCTAssertEqual(node.core.counters.handshakesEvicted, 2)
        XCTAssertEqual(node.core.linkSummaries.count, 4)
    }

    func testHandshakesOverTheTotalBoundEvictTheOldestOfAll() throws {
        var limits = CoreLimits()
        limits.handshakingLinksMax = 4
        let node = try TestNode(seed: 1, limits: limits)
        let now = CoreTime(wall: Timestamp(milliseconds: 1_000_000), monotonic: MonotonicTime(milliseconds: 1))
        var closed: [LinkID] = []
        for index in 1...6 {
            closed += node.core.linkOpened(
                LinkID(UInt64(index)), engine: PlainEngine(publicKey: node.core.identity.signingPublicKey), outbound: false,
                expectedPeer: nil, endpoint: "198.18.2.\(index):1", now: now
            ).compactMap { if case .close(let link) = $0 { return link } else { return nil } }
        }
        XCTAssertEqual(closed, [LinkID(1), LinkID(2)])
    }

    func testStrangersFromOneHostAreBoundedWhileAContactStillLinks() throws {
        var limits = CoreLimits()
        limits.strangerLinksPerHostMax = 2
        let net = TestNet()
        let target = try TestNode(seed: 1, limits: limits)
        let contact = try TestNode(seed: 2)
        target.core.isTrustedPeer = { $0 == contact.address }
        var strangers: [TestNode] = []
        for index in 0..<4 { strangers.append(try TestNode(seed: UInt64(10 + index))) }
        for stranger in strangers { net.dial(stranger, target, from: "198.18.0.66") }
        XCTAssertEqual(target.established.count, 2, "two strangers from that host, no more")
        XCTAssertEqual(target.core.connectedPeers.count, 2)
        // The same host is full, yet a contact from it gets in.
        net.dial(contact, target, from: "198.18.0.66")
        XCTAssertTrue(target.established.contains(contact.address))
        // And a stranger from another host too.
        let elsewhere = try TestNode(seed: 30)
        net.dial(elsewhere, target, from: "198.18.0.67")
        XCTAssertTrue(target.established.contains(elsewhere.address))
        XCTAssertEqual(target.core.counters.linksRefused, 2)
    }

    func testStrangersOverTheTotalBoundAreRefused() throws {
        var limits = CoreLimits()
        limits.strangerLinksMax = 3
        let net = TestNet()
        let target = try TestNode(seed: 1, limits: limits)
        for index in 0..<5 { net.dial(try TestNode(seed: UInt64(10 + index)), target, from: "198.18.3.\(index)") }
        XCTAssertEqual(target.core.connectedPeers.count, 3)
    }

    func testOneSelfMadeIdentityHoldsOneLink() throws {
        let net = TestNet()
        let target = try TestNode(seed: 1)
        let attacker = try TestNode(seed: 2)
        for _ in 0..<5 { net.dial(attacker, target) }
        XCTAssertEqual(target.core.linkSummaries.filter(\.established).count, 1, "duplicates from one address are closed")
    }

    func testPingsBeyondTheBudgetAreNotAnswered() throws {
        let pair = try CorePair()
        let links = pair.connect()
        let pings = (0..<30).flatMap { Frame.ping(nonce: UInt64($0)).encoded() }
        let actions = pair.b.core.linkReceived(links.b, bytes: pings, now: pair.now)
        XCTAssertEqual(pongs(in: actions), Int(pair.b.core.limits.pingAnswersBurst))
        XCTAssertEqual(pair.b.core.counters.pingsIgnored, 30 - Int(pair.b.core.limits.pingAnswersBurst))
        // The budget refills with time, at its rate.
        let later = pair.now.adding(milliseconds: 1_000)
        let more = pair.b.core.linkReceived(links.b, bytes: pings, now: later)
        XCTAssertEqual(pongs(in: more), Int(pair.b.core.limits.pingAnswersPerSecond))
    }

    private func pongs(in actions: [CoreAction]) -> Int {
        var decoder = FrameDecoder()
        let bytes = actions.flatMap { action -> [UInt8] in
            if case .send(_, let bytes) = action { return bytes } else { return [] }
        }
        return ((try? decoder.push(bytes)) ?? []).filter { if case .pong = $0 { return true } else { return false } }.count
    }
}
