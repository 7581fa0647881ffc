import FerryCore
import FerryCrypto
import FerryWire
import XCTest

/// Peer exchange (`endpoints` frames): a node with one seed finds the seed's other peers; junk
/// entries and a peer over its rate are ignored and counted.
final class PeerExchangeTests: XCTestCase {
    func testNodesJoiningThroughOneSeedBecomeFullyLinked() throws {
        for staggered in [true, false] {
            let net = TestNet()
            let nodes = try net.listeningNodes(6)
            let hub = nodes[0]
            for node in nodes.dropFirst() {
                net.addSeed(hub, to: node)
                if staggered { net.drive(milliseconds: 10_000) }
            }
            // Joiners learn the earlier ones at link-up; everyone else at the next periodic exchange.
            net.drive(milliseconds: staggered ? 30_000 : hub.core.limits.exchangeIntervalMilliseconds + 30_000)
            for node in nodes {
                XCTAssertEqual(node.core.connectedPeers, Set(nodes.filter { $0 !== node }.map(\.address)), "staggered \(staggered)")
                XCTAssertEqual(net.established(node).count, 5, "one link per peer, staggered \(staggered)")
            }
            XCTAssertTrue(nodes.contains { $0.core.linkSummaries.contains { $0.foundBy == .exchange } })
            let settled = net.now.monotonic
            net.drive(milliseconds: 10 * 60_000)
            XCTAssertTrue(nodes.allSatisfy { net.dials(of: $0, since: settled).isEmpty }, "a linked mesh dials no more")
            XCTAssertTrue(nodes.allSatisfy { net.established($0).count == 5 })
        }
    }

    func testJunkEntriesAreIgnoredAndCounted() throws {
        let net = TestNet()
        let nodes = try net.listeningNodes(3)
        let (a, r, c) = (nodes[0], nodes[1], nodes[2])
        let (link, _) = net.dial(a, r)
        let stranger = try NodeIdentity.generate().address
        let junk = [
            EndpointEntry(address: stranger, ip: [0, 0, 0, 0], port: 7000),
            EndpointEntry(address: stranger, ip: [224, 0, 0, 1], port: 7000),
            EndpointEntry(address: stranger, ip: [239, 255, 70, 77], port: 7000),
            EndpointEntry(address: stranger, ip: [255, 255, 255, 255], port: 7000),
            EndpointEntry(address: stranger, ip: [198, 18, 0, 50], port: 0),
            EndpointEntry(address: stranger, ip: [UInt8](repeating: 0, count: 16), port: 7000),
            EndpointEntry(address: stranger, ip: [0xff, 0x02] + [UInt8](repeating: 0, count: 13) + [1], port: 7000),
            EndpointEntry(address: a.address, ip: [198, 18, 0, 51], port: 7000),
            EndpointEntry(address: r.address, ip: [198, 18, 0, 52], port: 7000),
        ]
        let good = EndpointEntry(address: c.address, ip: [198, 18, 0, 3], port: 7000)
        let frame = Frame.endpoints(Array(junk.prefix(5)) + [good] + junk.dropFirst(5))
        net.apply(a.core.linkReceived(link, bytes: frame.encoded(), now: net.now), at: a)
        XCTAssertEqual(a.core.discoveryCounters.exchangesHeard, 1)
        XCTAssertEqual(a.core.discoveryCounters.exchangeRejected, junk.count)
        XCTAssertTrue(net.isOpen(a, link), "junk is ignored, not a reason to drop the link")
        net.drive(milliseconds: 60_000)
        let dials = net.dials(of: a)
        XCTAssertEqual(dials.map { "\($0.request.host):\($0.request.port)" }, ["198.18.0.3:7000"], "only the good entry is dialled")
        XCTAssertEqual(dials.first?.request.expectedPeer, c.address, "pinned to the address told")
        XCTAssertTrue(a.core.connectedPeers.contains(c.address))
        XCTAssertEqual(a.core.linkSummaries.first { $0.peer == c.address }?.foundBy, .exchange)
    }

    func testAPeerSendingExchangesFasterThanItsBudgetIsIgnored() throws {
        let net = TestNet()
        net.holdDials = true
        let nodes = try net.listeningNodes(2)
        let (a, r) = (nodes[0], nodes[1])
        let (link, _) = net.dial(a, r)
        let burst = Int(a.core.limits.exchangesBurst)
        var heard: Int { a.core.discoveryCounters.exchangesHeard }
        var rejected: Int { a.core.discoveryCounters.exchangeRejected }
        // Each frame tells of one new endpoint, so only the budget decides.
        func exchange(_ index: Int) -> [UInt8] {
            let address = Address(unchecked: [UInt8](repeating: UInt8(index % 250 + 1), count: Address.byteCount))
            return Frame.endpoints([EndpointEntry(address: address, ip: [198, 18, 3, UInt8(index % 250)], port: 7000)]).encoded()
        }
        for index in 0..<10 { net.apply(a.core.linkReceived(link, bytes: exchange(index), now: net.now), at: a) }
        XCTAssertEqual(heard, burst)
        XCTAssertEqual(rejected, 10 - burst)

        // One a second for a minute is far over one per exchange interval.
        for second in 1...60 {
            net.now = net.now.adding(milliseconds: 1_000)
            net.apply(a.core.linkReceived(link, bytes: exchange(100 + second), now: net.now), at: a)
        }
        XCTAssertEqual(heard, burst, "none of them is heard")
        // After a whole interval the peer may tell us again.
        net.now = net.now.adding(milliseconds: a.core.limits.exchangeIntervalMilliseconds)
        net.apply(a.core.linkReceived(link, bytes: exchange(200), now: net.now), at: a)
        XCTAssertEqual(heard, burst + 1)
        XCTAssertTrue(net.isOpen(a, link), "over the rate is ignored, not fatal")
    }
}
