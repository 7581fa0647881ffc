import FerryCore
import FerryCrypto
import FerryStore
import FerryWire
import XCTest

/// Store-carry-forward through nodes that never meet: chains, rings, copy budgets, expiry, quotas,
/// proofs as anti-packets (DESIGN.md §Routing).
final class RelayTests: XCTestCase {
    private func send(_ text: String, from sender: TestNode, to recipient: TestNode, in net: TestNet) throws -> MessageID {
        let (id, actions) = try sender.core.submit(body: Array(text.utf8), to: recipient.verified, now: net.now)
        net.apply(actions, at: sender)
        net.run()
        return id
    }

    private func relayCopies(_ node: TestNode) throws -> Int { try node.store.counts().relay }

    func testAChainOfTwoRelaysDeliversInThreeHopsAndTheProofComesBack() throws {
        let net = TestNet()
        let a = try TestNode(seed: 1), r1 = try TestNode(seed: 2), r2 = try TestNode(seed: 3), b = try TestNode(seed: 4)
        net.dial(a, r1)
        net.dial(r1, r2)
        net.dial(r2, b)
        let id = try send("through two relays", from: a, to: b, in: net)
        XCTAssertEqual(b.delivered.map(\.id), [id])
        XCTAssertEqual(b.delivered.first?.hops, 3)
        XCTAssertEqual(b.delivered.first?.path, .mesh)
        XCTAssertEqual(a.proofs, [id], "the proof travelled back to the sender")
        XCTAssertEqual(a.proofPaths.first?.0, .mesh)
        XCTAssertEqual(a.proofPaths.first?.1, 3)
        XCTAssertEqual(try relayCopies(r1), 0, "relays drop their copies on the proof")
        XCTAssertEqual(try relayCopies(r2), 0)
        XCTAssertNotNil(try a.store.own(id)?.deliveredAt)
        XCTAssertGreaterThanOrEqual(r1.core.counters.forwarded, 1)
    }

    func testARelayHoldsTheMessageUntilTheRecipientComesAndAProofOnlyArrivesOnce() throws {
        let net = TestNet()
        let a = try TestNode(seed: 1), r = try TestNode(seed: 2), b = try TestNode(seed: 3)
        net.dial(a, r)
        let id = try send("b is away", from: a, to: b, in: net)
        XCTAssertEqual(try relayCopies(r), 1, "r carries a copy")
        XCTAssertTrue(a.proofs.isEmpty)
        net.dial(b, r)  // b shows up next to r only
        XCTAssertEqual(b.delivered.map(\.id), [id])
        XCTAssertEqual(b.delivered.first?.hops, 2)
        XCTAssertEqual(a.proofs, [id])
        XCTAssertEqual(try relayCopies(r), 0)
        // The proof is an anti-packet: a's copy offered to r again is answered with it, not taken.
        XCTAssertEqual(try r.store.counts().proofs, 1)
    }

    func testARingSpreadsWithinTheCopyBudgetAndDoesNotLoop() throws {
        var limits = CoreLimits()
        limits.sprayCopiesInitial = 4
        let net = TestNet()
        let ring = try (0..<5).map { try TestNode(seed: UInt64(10 + $0), limits: limits) }
        for index in 0..<5 { net.dial(ring[index], ring[(index + 1) % 5]) }
        let absent = try TestNode(seed: 99, limits: limits)
        let id = try send("around the ring", from: ring[0], to: absent, in: net)
        var copies = Int(try XCTUnwrap(ring[0].store.own(id)).copies)
        var holders = 1
        for node in ring.dropFirst() {
            for held in try node.store.held(id: id) {
                copies += Int(held.copies)
                holders += 1
            }
        }
        XCTAssertEqual(copies, 4, "spray-and-wait conserves the copy budget")
        XCTAssertLessThanOrEqual(holders, 4)
        XCTAssertTrue(ring.allSatisfy { (try? $0.store.held(id: id).count) ?? 0 <= 1 }, "nobody holds it twice")
        // The destination appears next to one node of the ring: delivered once.
        net.dial(absent, ring[2])
        net.run()
        XCTAssertEqual(absent.delivered.map(\.id).filter { $0 == id }.count, 1)
    }

    func testExpiredRelayCopiesAreDropped() throws {
        var limits = CoreLimits()
        limits.messageLifetimeMilliseconds = 60_000
        let net = TestNet()
        let a = try TestNode(seed: 1, limits: limits), r = try TestNode(seed: 2, limits: limits)
        let b = try TestNode(seed: 3, limits: limits)
        net.dial(a, r)
        _ = try send("short-lived", from: a, to: b, in: net)
        XCTAssertEqual(try relayCopies(r), 1)
        net.now = net.now.adding(milliseconds: 60_000 + limits.housekeepingIntervalMilliseconds)
        net.apply(r.core.tick(now: net.now), at: r)
        XCTAssertEqual(try relayCopies(r), 0)
        // Once expired it is also not taken again.
        net.dial(b, r)
        XCTAssertTrue(b.delivered.isEmpty)
    }

    func testAFloodFromOneOriginFillsOnlyItsShareAndOwnMessagesStay() throws {
        var limits = CoreLimits()
        limits.relayBytesPerOriginMax = 30_000  // about five 5.3 KB envelopes
        limits.relayBytesMax = 50_000
        let net = TestNet()
        let relay = try TestNode(seed: 1, limits: limits)
        let flooder = try TestNode(seed: 2), other = try TestNode(seed: 3)
        let nowhere = try TestNode(seed: 4)
        net.dial(flooder, relay)
        net.dial(other, relay)
        let own = try send("relay's own message", from: relay, to: nowhere, in: net)
        for index in 0..<12 { _ = try send("flood \(index)", from: flooder, to: nowhere, in: net) }
        let fromFlooder = try relay.store.custodyBytes(.relay, origin: flooder.address)
        XCTAssertLessThanOrEqual(fromFlooder, limits.relayBytesPerOriginMax)
        XCTAssertGreaterThan(relay.core.counters.quotaRefusals, 0)
        // Another origin still gets in, evicting the flood's copies rather than being refused.
        _ = try send("from someone else", from: other, to: nowhere, in: net)
        XCTAssertGreaterThan(try relay.store.custodyBytes(.relay, origin: other.address), 0)
        XCTAssertLessThanOrEqual(try relay.store.custodyUsage(.relay).bytes, limits.relayBytesMax)
        XCTAssertNotNil(try relay.store.own(own), "own messages are never evicted")
    }

    func testAForgedProofChangesNothing() throws {
        let net = TestNet()
        let a = try TestNode(seed: 1), r = try TestNode(seed: 2), b = try TestNode(seed: 3)
        let (aLink, rLink) = net.dial(a, r)
        _ = aLink
        let id = try send("prove me", from: a, to: b, in: net)
        let forged = Frame.proof(DeliveryProof(id: id, ackSecret: [UInt8](repeating: 7, count: 32), hops: 1, path: .direct))
        net.apply(r.core.linkReceived(rLink, bytes: forged.encoded(), now: net.now), at: r)
        net.run()
        XCTAssertEqual(try relayCopies(r), 1, "the relay keeps its copy")
        XCTAssertEqual(try r.store.counts().proofs, 0, "a proof it cannot check is not remembered")
        XCTAssertNil(try a.store.own(id)?.deliveredAt)
        net.dial(b, r)
        XCTAssertEqual(b.delivered.map(\.id), [id], "and the real message still arrives")
    }

    func testAnEnvelopeReplayedWithAnotherAckHashIsRefusedAndTheRealOneArrives() throws {
        let pair = try CorePair()
        let links = pair.connect()
        pair.deliverBToA = false
        let id = try pair.send("the real one")
        pair.deliverBToA = true
        var replay = try Envelope.decode(try XCTUnwrap(pair.a.store.own(id)).envelope)
        replay.ackHash = [UInt8](repeating: 0xAB, count: 32)
        let actions = pair.b.core.linkReceived(links.b, bytes: Frame.envelope(replay.encoded()).encoded(), now: pair.now)
        XCTAssertTrue(frames(in: actions).contains(.refuse(id: id, reason: .invalid)), "its header no longer opens")
        XCTAssertEqual(pair.b.delivered.count, 1, "only the real message")
    }

    func testAProofReachesAnotherHolderThroughReconciliation() throws {
        let net = TestNet()
        let a = try TestNode(seed: 1), r1 = try TestNode(seed: 2), r2 = try TestNode(seed: 3), b = try TestNode(seed: 4)
        let (toR1, _) = net.dial(a, r1)
        let (toR2, _) = net.dial(a, r2)
        let id = try send("two carriers", from: a, to: b, in: net)
        XCTAssertEqual(try relayCopies(r1), 1)
        XCTAssertEqual(try relayCopies(r2), 1)
        // a goes away; b meets r2 only; r1 never hears from a or b again.
        net.close(a, toR1)
        net.close(a, toR2)
        net.dial(b, r2)
        XCTAssertEqual(b.delivered.map(\.id), [id])
        XCTAssertEqual(try relayCopies(r2), 0)
        XCTAssertEqual(try relayCopies(r1), 1, "r1 has not heard yet")
        // r1 meets r2: reconciling the proof sets brings r1 the proof, and it drops its copy.
        net.dial(r1, r2)
        XCTAssertEqual(try relayCopies(r1), 0)
        XCTAssertEqual(try r1.store.counts().proofs, 1)
        XCTAssertEqual(b.delivered.count, 1, "and nothing is delivered twice")
    }

    func testReconciliationOffersWhatThePeerLacksAndNotWhatItHas() throws {
        let net = TestNet()
        let a = try TestNode(seed: 1), r = try TestNode(seed: 2), b = try TestNode(seed: 3)
        var ids: [MessageID] = []
        for index in 0..<20 {
            let (id, actions) = try a.core.submit(body: Array("queued \(index)".utf8), to: b.verified, now: net.now)
            net.apply(actions, at: a)
            ids.append(id)
        }
        // a meets r: the new link's reconciliation finds all 20 missing at r and sprays them.
        net.dial(a, r)
        XCTAssertEqual(try relayCopies(r), 20)
        // A second link later (it replaces the first) finds nothing new: nothing is refused as held,
        // because nothing is offered again.
        let refusedBefore = a.logs.filter { $0.contains("refused") }.count
        net.dial(a, r)
        XCTAssertEqual(try relayCopies(r), 20)
        XCTAssertEqual(a.logs.filter { $0.contains("refused") }.count, refusedBefore)
        net.dial(b, r)
        XCTAssertEqual(Set(b.delivered.map(\.id)), Set(ids))
        XCTAssertEqual(Set(a.proofs), Set(ids), "the proofs travel back to the origin of r's copies")
        XCTAssertEqual(try relayCopies(r), 0)
    }
}
