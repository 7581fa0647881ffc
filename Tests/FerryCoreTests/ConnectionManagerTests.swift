import FerryCore
import FerryCrypto
import FerryWire
import XCTest

/// The connection manager (`Connections`, CoreLimits): seeds kept linked with backoff and jitter,
/// discovered endpoints up to the target, `--no-discovery`, and the duplicate tie-break. Dials are
/// real: TestNet's address book turns each `.dial` into a link, on a manual clock that only moves
/// to the nodes' own deadlines.
final class ConnectionManagerTests: XCTestCase {
    func testASeedIsDialledAtOnceAndAgainSoonAfterItsLinkEnds() throws {
        let net = TestNet()
        let nodes = try net.listeningNodes(2)
        let (a, b) = (nodes[0], nodes[1])
        net.addSeed(b, to: a)
        let start = net.now.monotonic
        net.drive(milliseconds: 0)
        XCTAssertEqual(net.dials(of: a).map(\.at), [start], "dialled at once")
        XCTAssertEqual(a.core.connectedPeers, [b.address])
        XCTAssertEqual(a.core.linkSummaries.first?.foundBy, .seed)
        XCTAssertTrue(a.core.seedSummaries.isEmpty, "a linked seed is not listed")

        net.close(a, try XCTUnwrap(net.established(a).first?.link))
        let summary = try XCTUnwrap(a.core.seedSummaries.first)
        XCTAssertEqual(summary.state, "waiting")
        let retry = try XCTUnwrap(summary.retryAt)
        XCTAssertTrue(backoffBand(attempt: 0).contains(retry.since(net.now.monotonic)), "a link that was up redials soon")
        net.drive(milliseconds: 2_000)
        XCTAssertEqual(net.dials(of: a).map(\.at), [start, retry], "redialled when the backoff said, once")
        XCTAssertEqual(a.core.connectedPeers, [b.address])
    }

    func testDialFailuresBackOffMoreEachTimeAndAGoodLinkResetsTheBackoff() throws {
        let net = TestNet()
        let nodes = try net.listeningNodes(2)
        let (a, b) = (nodes[0], nodes[1])
        net.addSeed(b, to: a)
        net.unlisten(host: "198.18.0.2")
        net.drive(milliseconds: 90_000)
        let gaps = net.dialGaps(of: a)
        XCTAssertGreaterThanOrEqual(gaps.count, 8)
        for (attempt, gap) in gaps.enumerated() {
            XCTAssertTrue(backoffBand(attempt: attempt).contains(gap), "gap \(attempt) is \(gap) ms")
        }
        XCTAssertLessThanOrEqual(gaps.count, 14, "a dead seed is not hammered")
        let summary = try XCTUnwrap(a.core.seedSummaries.first)
        XCTAssertEqual(summary.state, "waiting")
        XCTAssertEqual(summary.lastError, "connection refused")
        XCTAssertTrue(a.logs.filter { $0.contains("cannot reach seed") }.count >= gaps.count, "each failure is logged")

        // The seed comes back: linked within one (long) backoff; then a lost link redials soon.
        net.listen(b, host: "198.18.0.2")
        net.drive(milliseconds: 25_000)
        XCTAssertEqual(a.core.connectedPeers, [b.address])
        XCTAssertTrue(a.core.seedSummaries.isEmpty)
        net.close(a, try XCTUnwrap(net.established(a).first?.link))
        let closedAt = net.now.monotonic
        net.unlisten(host: "198.18.0.2")
        net.drive(milliseconds: 3_000)
        let after = net.dials(of: a, since: closedAt).map { $0.at.since(closedAt) }
        XCTAssertTrue(after.first.map(backoffBand(attempt: 0).contains) == true, "backoff reset by the good link: \(after)")
        XCTAssertTrue(after.count >= 2 && backoffBand(attempt: 1).contains(after[1] - after[0]), "and grows again: \(after)")
    }

    func testJitterComesFromTheInjectedRandomSource() throws {
        func gaps(seed: UInt64) throws -> [UInt64] {
            let net = TestNet()
            let node = try TestNode(seed: seed)
            net.add(node)
            node.core.addSeed(host: "198.18.0.99", port: 7000, expected: nil, now: net.now)
            net.drive(milliseconds: 60_000)
            return net.dialGaps(of: node)
        }
        let first = try gaps(seed: 7)
        XCTAssertEqual(first, try gaps(seed: 7), "the same seed gives the same delays")
        XCTAssertNotEqual(first, try gaps(seed: 8), "another seed gives others")
        XCTAssertNotEqual(first.prefix(6), [250, 500, 1_000, 2_000, 4_000, 8_000], "the delays are jittered")
    }

    func testASeedPinnedToAnAddressThatAnotherNodeAnswersIsNotHammered() throws {
        let net = TestNet()
        let nodes = try net.listeningNodes(3)
        let (a, pinned, impostor) = (nodes[0], nodes[1], nodes[2])
        a.core.addSeed(host: "198.18.0.3", port: 7000, expected: pinned.address, now: net.now)
        net.drive(milliseconds: 120_000)
        let dials = net.dials(of: a)
        XCTAssertTrue(dials.allSatisfy { $0.request.expectedPeer == pinned.address }, "every dial pins the address")
        XCTAssertTrue(a.core.connectedPeers.isEmpty)
        XCTAssertTrue(impostor.established.isEmpty)
        XCTAssertFalse(a.rejected.isEmpty)
        XCTAssertTrue(a.rejected.allSatisfy { $0.1 == .wrongPeer })
        let gaps = net.dialGaps(of: a)
        for (attempt, gap) in gaps.enumerated() {
            XCTAssertTrue(backoffBand(attempt: attempt).contains(gap), "gap \(attempt) is \(gap) ms")
        }
        XCTAssertLessThanOrEqual(dials.count, 16, "two minutes of an impostor cost a handful of dials")
        XCTAssertEqual(a.core.seedSummaries.first?.lastError, "answered by another node than the expected address")
    }

    func testASeedThatIsTheNodeItselfIsDialledOnceAndNeverAgain() throws {
        let net = TestNet()
        let a = try net.listeningNodes(1)[0]
        net.addSeed(a, to: a)
        net.drive(milliseconds: 5 * 60_000)
        XCTAssertEqual(net.dials(of: a).count, 1)
        XCTAssertEqual(a.core.seedSummaries.map(\.state), ["self"])
        XCTAssertEqual(a.core.seedSummaries.first?.retryAt, nil)
        XCTAssertTrue(a.core.connectedPeers.isEmpty)
        XCTAssertTrue(a.rejected.contains { $0.1 == .isSelf })
    }

    // MARK: Target links

    func testDiscoveredEndpointsAreDialledUpToTheTargetAFewAtATimeAndSeedsRegardless() throws {
        var limits = CoreLimits()
        limits.targetLinks = 3
        limits.dialsInFlightMax = 2
        let net = TestNet()
        net.holdDials = true
        let a = try TestNode(seed: 1, limits: limits)
        net.listen(a, host: "198.18.0.1")
        let others = try net.listeningNodes(6, first: 10)
        for other in others {
            let beacon = try beaconBytes(of: other, at: net.now.wall)
            net.apply(a.core.beaconReceived(beacon, from: net.host(of: other)!, now: net.now), at: a)
        }
        XCTAssertEqual(a.core.discoveryCounters.beaconsHeard, 6)
        XCTAssertEqual(net.dials(of: a).count, 2, "no more than dialsInFlightMax at once")
        net.drive(milliseconds: 30_000)
        XCTAssertEqual(net.dials(of: a).count, 2, "none more while those are in flight")

        net.performHeldDials()
        XCTAssertEqual(a.core.connectedPeers.count, 2)
        XCTAssertEqual(Set(a.core.linkSummaries.map(\.foundBy)), [.beacon])
        net.drive(milliseconds: 0)
        XCTAssertEqual(net.dials(of: a).count, 3, "one more, at once, to reach the target")
        net.performHeldDials()
        XCTAssertEqual(a.core.connectedPeers.count, 3)
        net.holdDials = false
        net.drive(milliseconds: 5 * 60_000)
        XCTAssertEqual(net.dials(of: a).count, 3, "none beyond the target")
        XCTAssertEqual(a.core.connectedPeers.count, 3)

        // Seeds are dialled whatever the count.
        let seeds = try net.listeningNodes(2, first: 20)
        for seed in seeds { net.addSeed(seed, to: a) }
        net.drive(milliseconds: 0)
        XCTAssertEqual(a.core.connectedPeers.count, 5)
        XCTAssertTrue(a.core.connectedPeers.isSuperset(of: seeds.map(\.address)))
    }

    func testWithoutDiscoveryBeaconsAndExchangesAreIgnoredAndLearntEndpointsNotDialled() throws {
        let net = TestNet()
        let nodes = try net.listeningNodes(4)
        let (a, r, c, seed) = (nodes[0], nodes[1], nodes[2], nodes[3])
        a.core.discoveryEnabled = false
        let beacon = try beaconBytes(of: c, at: net.now.wall)
        XCTAssertEqual(a.core.beaconReceived(beacon, from: "198.18.0.3", now: net.now), [])
        XCTAssertEqual(a.core.discoveryCounters.beaconsHeard, 0)

        // r knows c and tells a at link-up; a ignores it and tells nobody anything.
        net.dial(c, r, from: "198.18.0.3")
        net.dial(r, a, from: "198.18.0.2")
        XCTAssertTrue(net.frames(from: r, to: a).contains { if case .endpoints = $0 { return true } else { return false } })
        XCTAssertEqual(a.core.discoveryCounters.exchangeRejected, 1)
        XCTAssertEqual(a.core.discoveryCounters.exchangesHeard, 0)
        XCTAssertFalse(net.frames(from: a).contains { if case .endpoints = $0 { return true } else { return false } })
        net.drive(milliseconds: 10 * 60_000)
        XCTAssertTrue(net.dials(of: a).isEmpty)

        // Seeds are still dialled.
        net.addSeed(seed, to: a)
        net.drive(milliseconds: 0)
        XCTAssertEqual(net.dials(of: a).map(\.request.host), ["198.18.0.4"])
        XCTAssertTrue(a.core.connectedPeers.contains(seed.address))
    }

    func testEndpointsLearntBeforeDiscoveryWasTurnedOffAreNotDialled() throws {
        var limits = CoreLimits()
        limits.dialsInFlightMax = 1
        let net = TestNet()
        net.holdDials = true
        let a = try TestNode(seed: 1, limits: limits)
        net.listen(a, host: "198.18.0.1")
        for other in try net.listeningNodes(3, first: 10) {
            net.apply(a.core.beaconReceived(try beaconBytes(of: other, at: net.now.wall), from: net.host(of: other)!, now: net.now), at: a)
        }
        XCTAssertEqual(net.dials(of: a).count, 1)
        a.core.discoveryEnabled = false
        net.holdDials = false
        net.performHeldDials()
        net.drive(milliseconds: 5 * 60_000)
        XCTAssertEqual(net.dials(of: a).count, 1, "the two learnt but not dialled stay undialled")
    }

    // MARK: Duplicate tie-break

    func testTwoNodesDiallingEachOtherKeepOneLinkBothAgreeOnAndStopDialling() throws {
        // Every case: seeds pinned or not, both dialling at once or `b` later, `a` smaller or larger.
        for pinned in [false, true] {
            for staggered in [false, true] {
                for aIsSmaller in [false, true] {
                    try checkTieBreak(pinned: pinned, staggered: staggered, aIsSmaller: aIsSmaller)
                }
            }
        }
    }

    private func checkTieBreak(pinned: Bool, staggered: Bool, aIsSmaller: Bool) throws {
        let context = "pinned \(pinned), staggered \(staggered), a smaller \(aIsSmaller)"
        let net = TestNet()
        let nodes = try net.listeningNodes(2)
        let (a, b) = (nodes[0].address < nodes[1].address) == aIsSmaller ? (nodes[0], nodes[1]) : (nodes[1], nodes[0])
        net.addSeed(b, to: a, pinned: pinned)
        if staggered { net.drive(milliseconds: 1_000) }
        net.addSeed(a, to: b, pinned: pinned)
        net.drive(milliseconds: 10_000)
        XCTAssertEqual(net.established(a).count, 1, context)
        XCTAssertEqual(net.established(b).count, 1, context)
        let kept = try XCTUnwrap(net.established(a).first, context)
        let other = try XCTUnwrap(net.otherEnd(of: a, kept.link), context)
        XCTAssertTrue(other.node === b, context)
        XCTAssertEqual(net.established(b).first?.link, other.link, "both keep the same link: \(context)")
        if !net.dials(of: b).isEmpty {
            let dialler = kept.outbound ? a : b
            XCTAssertEqual(dialler.address, min(a.address, b.address), "the smaller address's dial stays: \(context)")
        } else {
            XCTAssertTrue(pinned && staggered, "only a pinned seed already linked inbound goes undialled: \(context)")
        }
        XCTAssertTrue(a.core.seedSummaries.allSatisfy { $0.state == "linked-inbound" }, context)
        XCTAssertTrue(b.core.seedSummaries.allSatisfy { $0.state == "linked-inbound" }, context)

        let settled = net.now.monotonic
        net.drive(milliseconds: 5 * 60_000)
        XCTAssertEqual(net.dials(of: a, since: settled).count, 0, "no dial storm: \(context)")
        XCTAssertEqual(net.dials(of: b, since: settled).count, 0, "no dial storm: \(context)")
        XCTAssertEqual(net.established(a).map(\.link), [kept.link], context)
    }
}
