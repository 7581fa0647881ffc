import FerryCore
import FerryCrypto
import FerryWire
import XCTest

/// IPv6 link-local beacons in the core: a beacon from `fe80::…%eth0` is dialled back at that scoped
/// address; a source that cannot be dialled back is rejected and counted; and a link-local endpoint
/// is never told to another node by peer exchange, nor taken from one.
final class LinkLocalDiscoveryTests: XCTestCase {
    func testABeaconFromAScopedLinkLocalSenderIsDialledBackWithItsScope() throws {
        let net = TestNet()
        let a = try TestNode(seed: 1)
        let b = try TestNode(seed: 2)
        net.listen(a, host: "fe80::1%eth0")
        net.listen(b, host: "fe80::2%eth0")
        net.apply(a.core.beaconReceived(try beaconBytes(of: b, at: net.now.wall), from: "fe80::2%eth0", now: net.now), at: a)
        net.run()
        let dial = try XCTUnwrap(net.dials(of: a).first?.request)
        XCTAssertEqual(dial.host, "fe80::2%eth0", "the sender's address with the interface it came in by")
        XCTAssertEqual(dial.port, 7000)
        XCTAssertEqual(dial.expectedPeer, b.address)
        XCTAssertEqual(a.core.connectedPeers, [b.address])
        XCTAssertEqual(a.core.linkSummaries.first?.foundBy, .beacon)
        XCTAssertEqual(a.core.discoveryCounters.beaconsHeard, 1)
        XCTAssertEqual(a.core.discoveryCounters.beaconsRejected, 0)
    }

    func testBeaconsFromSourcesThatCannotBeDialledBackAreRejectedAndCounted() throws {
        let net = TestNet()
        let nodes = try net.listeningNodes(2)
        let (a, b) = (nodes[0], nodes[1])
        let beacon = try beaconBytes(of: b, at: net.now.wall)
        let sources = [
            "fe80::2",  // link-local with no scope: which link?
            "FE80::2",
            "febf::2",
            "0.0.0.0",  // a sender with no address yet; dialling it would dial this machine
            "::",
            "ff02::1",
            "ff12::feed:7171%eth0",
            "239.255.70.77",
            "255.255.255.255",
            "198.18.0.2%eth0",  // a scope on IPv4
            "",
        ]
        for (index, source) in sources.enumerated() {
            XCTAssertEqual(a.core.beaconReceived(beacon, from: source, now: net.now), [], source)
            XCTAssertEqual(a.core.discoveryCounters.beaconsRejected, index + 1, source)
        }
        XCTAssertEqual(a.core.discoveryCounters.beaconsHeard, 0)
        net.drive(milliseconds: 60_000)
        XCTAssertTrue(net.dials(of: a).isEmpty, "nothing learnt from any of them")

        // Just outside fe80::/10, and global IPv6, are dialled as they are.
        for (index, source) in ["fec0::2", "2001:db8::2"].enumerated() {
            net.apply(a.core.beaconReceived(beacon, from: source, now: net.now), at: a)
            XCTAssertEqual(a.core.discoveryCounters.beaconsHeard, index + 1, source)
        }
        XCTAssertEqual(Set(net.dials(of: a).map(\.request.host)), ["fec0::2", "2001:db8::2"])
    }

    /// A is linked to B over the link (B found by its link-local beacon; D dialled A from its
    /// link-local address) and to C and E over IPv4. C hears of E but of neither B nor D; B hears of C.
    func testLinkLocalEndpointsAreNeverToldByPeerExchange() throws {
        let net = TestNet()
        let a = try TestNode(seed: 1)
        let b = try TestNode(seed: 2)
        let c = try TestNode(seed: 3)
        let d = try TestNode(seed: 4)
        let e = try TestNode(seed: 5)
        net.listen(a, host: "198.18.0.1")
        net.listen(b, host: "fe80::2%eth0")
        net.listen(c, host: "198.18.0.3")
        net.listen(d, host: "fe80::4%eth0")
        net.listen(e, host: "198.18.0.5")
        net.apply(a.core.beaconReceived(try beaconBytes(of: b, at: net.now.wall), from: "fe80::2%eth0", now: net.now), at: a)
        net.run()
        net.dial(d, a, from: "fe80::4%eth0")
        // C comes in over IPv4, as a dual-stack listener (`::`) sees it.
        net.dial(c, a, from: "::ffff:198.18.0.3")
        net.dial(e, a)
        XCTAssertEqual(a.core.connectedPeers, [b.address, c.address, d.address, e.address])
        net.drive(milliseconds: a.core.limits.exchangeIntervalMilliseconds + 1_000)

        let toldC = told(by: a, to: c, in: net)
        XCTAssertTrue(toldC.contains(EndpointEntry(address: e.address, ip: [198, 18, 0, 5], port: 7000)), "\(toldC)")
        XCTAssertTrue(toldC.allSatisfy { $0.address != b.address && $0.address != d.address }, "\(toldC)")
        XCTAssertTrue(toldC.allSatisfy { !($0.ip.count == 16 && $0.ip[0] == 0xfe) }, "no link-local entry at all: \(toldC)")
        let toldB = told(by: a, to: b, in: net)
        XCTAssertTrue(toldB.contains(EndpointEntry(address: c.address, ip: [198, 18, 0, 3], port: 7000)),
                      "C as plain IPv4, not ::ffff:198.18.0.3: \(toldB)")
        XCTAssertFalse(toldB.contains { $0.address == d.address }, "\(toldB)")
    }

    func testGlobalIPv6EndpointsAreToldByPeerExchange() throws {
        let net = TestNet()
        let a = try TestNode(seed: 1)
        let c = try TestNode(seed: 3)
        let f = try TestNode(seed: 6)
        net.listen(a, host: "198.18.0.1")
        net.listen(c, host: "198.18.0.3")
        net.listen(f, host: "2001:db8::6")
        net.dial(c, a)
        net.dial(f, a, from: "2001:db8::6")
        XCTAssertEqual(Set(a.core.connectedPeers), [c.address, f.address])
        net.drive(milliseconds: a.core.limits.exchangeIntervalMilliseconds + 1_000)

        let toldC = told(by: a, to: c, in: net)
        let expected = EndpointEntry(address: f.address, ip: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [6], port: 7000)
        XCTAssertTrue(toldC.contains(expected), "F's global IPv6 endpoint, as 16 bytes: \(toldC)")
    }

    func testALinkLocalEntryFromAPeerIsIgnoredAndCounted() throws {
        let net = TestNet()
        let nodes = try net.listeningNodes(2)
        let (a, r) = (nodes[0], nodes[1])
        let (link, _) = net.dial(a, r)
        let stranger = try NodeIdentity.generate().address
        let entries = [0x80, 0xbf].map { second in
            EndpointEntry(address: stranger, ip: [0xfe, UInt8(second)] + [UInt8](repeating: 0, count: 13) + [2], port: 7000)
        }
        let global = EndpointEntry(address: stranger, ip: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [2], port: 7000)
        XCTAssertFalse(entries[0].isUsable)
        XCTAssertTrue(global.isUsable, "global IPv6 stays usable")
        let rejectedBefore = a.core.discoveryCounters.exchangeRejected
        net.apply(a.core.linkReceived(link, bytes: Frame.endpoints(entries).encoded(), now: net.now), at: a)
        XCTAssertEqual(a.core.discoveryCounters.exchangeRejected, rejectedBefore + entries.count)
        XCTAssertTrue(net.isOpen(a, link), "ignored, not a reason to drop the link")
        net.drive(milliseconds: 10_000)
        XCTAssertFalse(net.dials(of: a).contains { $0.request.host.hasPrefix("fe") }, "never dialled without a scope")
    }

    /// Every endpoint entry `sender` told `receiver`.
    private func told(by sender: TestNode, to receiver: TestNode, in net: TestNet) -> [EndpointEntry] {
        net.frames(from: sender, to: receiver).flatMap { frame -> [EndpointEntry] in
            if case .endpoints(let entries) = frame { return entries }
            return []
        }
    }
}
