import FerryCore
import FerryCrypto
import FerryWire
import XCTest

/// LAN beacons in the core: what a node does with one it hears (cheap checks, budgets, then the
/// signature) and when it sends its own.
final class BeaconTests: XCTestCase {
    func testAValidBeaconIsLearntAndDialled() throws {
        let net = TestNet()
        let nodes = try net.listeningNodes(2)
        let (a, b) = (nodes[0], nodes[1])
        net.apply(a.core.beaconReceived(try beaconBytes(of: b, at: net.now.wall), from: "198.18.0.2", now: net.now), at: a)
        net.run()
        let dial = try XCTUnwrap(net.dials(of: a).first?.request)
        XCTAssertEqual("\(dial.host):\(dial.port)", "198.18.0.2:7000", "the datagram's source host, the beacon's port")
        XCTAssertEqual(dial.expectedPeer, b.address, "the dial pins the key that signed the beacon")
        XCTAssertEqual(a.core.connectedPeers, [b.address])
        XCTAssertEqual(a.core.linkSummaries.first?.foundBy, .beacon)
        XCTAssertEqual(a.core.discoveryCounters.beaconsHeard, 1)
        XCTAssertEqual(a.core.discoveryCounters.beaconsRejected, 0)
    }

    func testMalformedBadlySignedAndStaleBeaconsAreIgnoredAndCounted() throws {
        let net = TestNet()
        let nodes = try net.listeningNodes(3)
        let (a, b, c) = (nodes[0], nodes[1], nodes[2])
        let wall = net.now.wall.milliseconds
        let freshness = a.core.limits.beaconFreshnessMilliseconds
        let good = try beaconBytes(of: b, at: net.now.wall)
        var badSignature = good
        badSignature[Beacon.byteCount - 1] ^= 0x01
        // c's signature under b's key: a beacon claiming to be b.
        var forged = try Beacon.decode(try beaconBytes(of: c, at: net.now.wall))
        forged.signingKey = b.core.identity.signingPublicKey
        var badMagic = good
        badMagic[0] ^= 0xff
        let cases: [(String, [UInt8])] = [
            ("bad signature", badSignature),
            ("signed by another key", forged.encoded()),
            ("one byte short", Array(good.dropLast())),
            ("one byte long", good + [0]),
            ("empty", []),
            ("bad magic", badMagic),
            ("stale", try beaconBytes(of: b, at: Timestamp(milliseconds: wall - freshness - 1))),
            ("from the future", try beaconBytes(of: b, at: Timestamp(milliseconds: wall + freshness + 1))),
        ]
        for (index, (name, bytes)) in cases.enumerated() {
            // Each from its own host, so no source budget is involved.
            XCTAssertEqual(a.core.beaconReceived(bytes, from: "198.18.1.\(index)", now: net.now), [], name)
            XCTAssertEqual(a.core.discoveryCounters.beaconsRejected, index + 1, name)
        }
        XCTAssertEqual(a.core.discoveryCounters.beaconsHeard, 0)

        // Our own beacon, looped back by multicast: never learnt, never dialled.
        XCTAssertEqual(a.core.beaconReceived(try beaconBytes(of: a, at: net.now.wall), from: "198.18.0.1", now: net.now), [])
        XCTAssertEqual(a.core.discoveryCounters.beaconsHeard, 0)
        net.drive(milliseconds: 60_000)
        XCTAssertTrue(net.dials(of: a).isEmpty, "nothing learnt from any of them")

        // Just inside the freshness window, either way, is fine.
        let early = try beaconBytes(of: b, at: Timestamp(milliseconds: net.now.wall.milliseconds - freshness))
        let late = try beaconBytes(of: c, at: Timestamp(milliseconds: net.now.wall.milliseconds + freshness))
        net.apply(a.core.beaconReceived(early, from: "198.18.0.2", now: net.now), at: a)
        net.apply(a.core.beaconReceived(late, from: "198.18.0.3", now: net.now), at: a)
        net.run()
        XCTAssertEqual(a.core.discoveryCounters.beaconsHeard, 2)
        XCTAssertEqual(a.core.connectedPeers, [b.address, c.address])
    }

    func testAFloodFromOneHostIsCutAtItsBudgetAndDoesNotSilenceAnotherHost() throws {
        let net = TestNet()
        net.holdDials = true
        let nodes = try net.listeningNodes(3)
        let (a, b, c) = (nodes[0], nodes[1], nodes[2])
        let burst = Int(a.core.limits.beaconsPerSourceBurst)
        let beacon = try beaconBytes(of: b, at: net.now.wall)
        for _ in 0..<50 { net.apply(a.core.beaconReceived(beacon, from: "198.18.0.2", now: net.now), at: a) }
        XCTAssertEqual(a.core.discoveryCounters.beaconsHeard, burst)
        XCTAssertEqual(a.core.discoveryCounters.beaconsRejected, 50 - burst)
        // Junk from the flooding host is refused before it is even decoded.
        _ = a.core.beaconReceived([1, 2, 3], from: "198.18.0.2", now: net.now)
        XCTAssertEqual(a.core.discoveryCounters.beaconsRejected, 51 - burst)

        net.apply(a.core.beaconReceived(try beaconBytes(of: c, at: net.now.wall), from: "198.18.0.3", now: net.now), at: a)
        XCTAssertEqual(a.core.discoveryCounters.beaconsHeard, burst + 1, "another host's beacon gets through")
        XCTAssertTrue(net.dials(of: a).contains { $0.request.expectedPeer == c.address })

        // The flooding host earns its rate back with time, no more.
        let later = net.now.adding(milliseconds: 1_000)
        for _ in 0..<10 { _ = a.core.beaconReceived(beacon, from: "198.18.0.2", now: later) }
        XCTAssertEqual(a.core.discoveryCounters.beaconsHeard, burst + 1 + Int(a.core.limits.beaconsPerSourcePerSecond))
    }

    func testBeaconsFromManyHostsAreBoundInAll() throws {
        var limits = CoreLimits()
        limits.beaconsBurst = 10
        let net = TestNet()
        net.holdDials = true
        let a = try TestNode(seed: 1, limits: limits)
        net.listen(a, host: "198.18.0.1")
        let b = try net.listeningNodes(1, first: 2)[0]
        let beacon = try beaconBytes(of: b, at: net.now.wall)
        for index in 0..<30 { _ = a.core.beaconReceived(beacon, from: "198.18.2.\(index)", now: net.now) }
        XCTAssertEqual(a.core.discoveryCounters.beaconsHeard, 10)
        XCTAssertEqual(a.core.discoveryCounters.beaconsRejected, 20)
    }

    func testBeaconsGoOutAtTheIntervalWithJitterOnlyWhenEnabled() throws {
        let net = TestNet()
        let nodes = try net.listeningNodes(2)
        let (a, b) = (nodes[0], nodes[1])
        net.drive(milliseconds: 60_000)
        XCTAssertTrue(net.beaconLog.isEmpty, "beacons are off unless the driver turns them on")

        a.core.beaconsEnabled = true
        let start = net.now.monotonic
        net.drive(milliseconds: 120_000)
        let sent = net.beaconLog.filter { $0.node === a }
        XCTAssertEqual(sent.first?.at, start, "the first at once")
        let interval = a.core.limits.beaconIntervalMilliseconds
        let gaps = zip(sent.dropFirst(), sent).map { $0.at.since($1.at) }
        XCTAssertGreaterThanOrEqual(gaps.count, 18)
        for gap in gaps { XCTAssertTrue((interval * 3 / 4...interval * 5 / 4).contains(gap), "gap \(gap) ms") }
        XCTAssertGreaterThan(Set(gaps).count, gaps.count / 2, "jittered, not in lockstep")
        XCTAssertEqual(a.core.discoveryCounters.beaconsSent, sent.count)
        for beacon in sent {
            let decoded = try Beacon.decode(beacon.bytes)
            XCTAssertEqual(BeaconSigning.verifiedAddress(of: decoded), a.address)
            XCTAssertEqual(decoded.listenPort, 7000)
            XCTAssertEqual(decoded.timestamp.milliseconds, net.now.wall.milliseconds - net.now.monotonic.since(beacon.at))
        }
        // What it sends, another node accepts.
        net.apply(b.core.beaconReceived(try XCTUnwrap(sent.last?.bytes), from: "198.18.0.1", now: net.now), at: b)
        XCTAssertEqual(b.core.discoveryCounters.beaconsHeard, 1)

        // Off again with discovery off, or with no port to announce.
        a.core.discoveryEnabled = false
        net.drive(milliseconds: 60_000)
        a.core.discoveryEnabled = true
        a.core.listenPort = 0
        net.drive(milliseconds: 60_000)
        XCTAssertEqual(net.beaconLog.filter { $0.node === a }.count, sent.count)
    }

    func testNodesOnALanFindEachOtherByBeaconsAlone() throws {
        let net = TestNet()
        net.deliversBeacons = true
        let nodes = try net.listeningNodes(5)
        for node in nodes { node.core.beaconsEnabled = true }
        net.drive(milliseconds: 60_000)
        for node in nodes {
            XCTAssertEqual(node.core.connectedPeers, Set(nodes.filter { $0 !== node }.map(\.address)))
            XCTAssertEqual(net.established(node).count, 4, "one link per peer")
        }
        let settled = net.now.monotonic
        net.drive(milliseconds: 5 * 60_000)
        XCTAssertTrue(nodes.allSatisfy { net.dials(of: $0, since: settled).isEmpty }, "beacons of linked peers cause no dials")
        XCTAssertTrue(nodes.allSatisfy { $0.core.discoveryCounters.beaconsRejected == 0 })
    }
}
