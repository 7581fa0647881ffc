import FerryCore
import FerryCrypto
import FerryWire
import XCTest

/// `nextDeadline` never lies: after any event it is at most the next time `tick` would act, and
/// never stuck in the past with nothing to do. Each test drives the clock only to the deadlines
/// (TestNet.drive, which also checks a tick one millisecond earlier does nothing) and checks the
/// action happens exactly then.
final class DeadlineTests: XCTestCase {
    /// A peer that finishes its handshake and hello with `node` (that dialled it, if `outbound`),
    /// then says nothing more.
    private func silentPeer(of node: TestNode, net: TestNet, outbound: Bool = false, link: LinkID = LinkID(900)) throws -> LinkID {
        let peer = try NodeIdentity.generate()
        let record = try peer.record(created: Timestamp(milliseconds: 0), expires: Timestamp(milliseconds: 10_000_000_000_000))
        net.add(node)
        let engine = PlainEngine(publicKey: node.core.identity.signingPublicKey)
        let opened = node.core.linkOpened(
            link, engine: engine, outbound: outbound, expectedPeer: nil, endpoint: "198.18.9.9:4000", now: net.now)
        net.apply(opened, at: node)
        let hello = Frame.hello(Hello(record: record.encoded(), listenPort: 0)).encoded()
        net.apply(node.core.linkReceived(link, bytes: peer.signingPublicKey + hello, now: net.now), at: node)
        XCTAssertEqual(node.established, [peer.address])
        return link
    }

    func testAKeepaliveGoesOutAndASilentLinkClosesExactlyWhenDue() throws {
        let net = TestNet()
        let a = try net.listeningNodes(1)[0]
        let up = net.now.monotonic
        let link = try silentPeer(of: a, net: net)
        let limits = a.core.limits
        _ = a.core.tick(now: net.now)  // the first tick, due at once
        var pingAt: MonotonicTime?
        var closedAt: MonotonicTime?
        // Step deadline by deadline and note when the ping and the close happen.
        while closedAt == nil, net.now.monotonic.since(up) < limits.idleTimeoutMilliseconds * 2 {
            let deadline = a.core.nextDeadline(now: net.now)
            XCTAssertGreaterThan(deadline, net.now.monotonic, "nothing is due now")
            net.now = net.now.adding(milliseconds: deadline.since(net.now.monotonic))
            for action in a.core.tick(now: net.now) {
                if case .send(link, _) = action, pingAt == nil { pingAt = net.now.monotonic }
                if case .close(link) = action { closedAt = net.now.monotonic }
            }
        }
        XCTAssertEqual(pingAt, up.adding(milliseconds: limits.keepaliveIntervalMilliseconds + 1))
        XCTAssertEqual(closedAt, up.adding(milliseconds: limits.idleTimeoutMilliseconds + 1))
    }

    func testAHandshakeThatNeverFinishesClosesExactlyWhenDue() throws {
        let net = TestNet()
        let a = try net.listeningNodes(1)[0]
        net.drive(milliseconds: 0)
        let link = LinkID(900)
        let engine = PlainEngine(publicKey: a.core.identity.signingPublicKey)
        let opened = a.core.linkOpened(
            link, engine: engine, outbound: true, expectedPeer: nil, endpoint: "198.18.9.9:7000", now: net.now)
        net.apply(opened, at: a)
        let due = net.now.monotonic.adding(milliseconds: a.core.limits.handshakeTimeoutMilliseconds + 1)
        XCTAssertLessThanOrEqual(a.core.nextDeadline(now: net.now), due)
        net.drive(milliseconds: a.core.limits.handshakeTimeoutMilliseconds)
        XCTAssertFalse(a.closedLinks.contains(link))
        net.drive(milliseconds: 1)
        XCTAssertTrue(a.closedLinks.contains(link))
    }

    func testASyncThePeerNeverAnswersDoesNotKeepTheDeadlineInThePast() throws {
        var limits = CoreLimits()
        limits.syncIntervalMilliseconds = 10_000  // due before the first keepalive
        let net = TestNet()
        let a = try TestNode(seed: 1, limits: limits)
        net.listen(a, host: "198.18.0.1")
        _ = try silentPeer(of: a, net: net, outbound: true)  // a starts a sync; the peer never answers
        net.drive(milliseconds: limits.keepaliveIntervalMilliseconds)
    }

    func testAPeriodicExchangeGoesOutExactlyWhenDue() throws {
        let net = TestNet()
        let nodes = try net.listeningNodes(3)
        let (a, r, c) = (nodes[0], nodes[1], nodes[2])
        net.dial(c, r)
        net.dial(a, r)
        let up = net.now.monotonic
        let interval = r.core.limits.exchangeIntervalMilliseconds
        net.drive(milliseconds: interval * 2 + 1)
        let times = net.frameLog.filter { entry in
            guard entry.from === r, entry.to === a, case .endpoints = entry.frame else { return false }
            return true
        }.map(\.at)
        XCTAssertEqual(times, [up, up.adding(milliseconds: interval), up.adding(milliseconds: interval * 2)])
    }

    func testAnEndpointLearntFromAPeerIsDialledAtOnce() throws {
        let net = TestNet()
        let nodes = try net.listeningNodes(3)
        let (a, r, c) = (nodes[0], nodes[1], nodes[2])
        let (link, _) = net.dial(a, r)
        net.drive(milliseconds: 1_000)
        let entry = EndpointEntry(address: c.address, ip: [198, 18, 0, 3], port: 7000)
        net.apply(a.core.linkReceived(link, bytes: Frame.endpoints([entry]).encoded(), now: net.now), at: a)
        XCTAssertEqual(a.core.nextDeadline(now: net.now), net.now.monotonic, "a dial is due now")
        net.drive(milliseconds: 0)
        XCTAssertEqual(net.dials(of: a).map(\.at), [net.now.monotonic])
        XCTAssertTrue(a.core.connectedPeers.contains(c.address))
    }

    func testASeedAddedLaterIsDialledAtOnce() throws {
        let net = TestNet()
        let nodes = try net.listeningNodes(2)
        net.drive(milliseconds: 30_000)
        net.addSeed(nodes[1], to: nodes[0])
        XCTAssertEqual(nodes[0].core.nextDeadline(now: net.now), net.now.monotonic)
        net.drive(milliseconds: 0)
        XCTAssertEqual(nodes[0].core.connectedPeers, [nodes[1].address])
    }

    /// A mesh under churn (links cut, nodes unreachable for a while, from a seeded random source):
    /// `drive` checks after every event and tick that no deadline lies and none spins.
    func testDeadlinesHoldUnderChurn() throws {
        let random = SplitMixRandom(seed: 42)
        let net = TestNet()
        let nodes = try net.listeningNodes(6)
        for node in nodes.dropFirst() { net.addSeed(nodes[0], to: node) }
        for node in nodes.suffix(2) { node.core.beaconsEnabled = true }  // few: each costs signatures
        net.deliversBeacons = true
        for _ in 0..<25 {
            net.drive(milliseconds: 1_000 + random.next() % 20_000)
            let node = nodes[Int(random.next() % UInt64(nodes.count))]
            switch random.next() % 3 {
            case 0:
                let links = net.established(node)
                if !links.isEmpty { net.close(node, links[Int(random.next() % UInt64(links.count))].link) }
            case 1:
                net.unlisten(host: net.host(of: node)!)
                for link in node.core.linkSummaries { net.close(node, link.link) }
            default:
                net.listen(node, host: net.host(of: node)!)
            }
        }
        for node in nodes { net.listen(node, host: net.host(of: node)!) }
        net.drive(milliseconds: 2 * 60_000)
        for node in nodes {
            XCTAssertEqual(node.core.connectedPeers.count, nodes.count - 1, "the mesh heals")
        }
    }
}
