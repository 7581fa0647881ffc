import FerryCore
import FerryCrypto
import FerryStore
import FerryWire
import XCTest

final class NodeCoreTests: XCTestCase {
    func testLinkEstablishesBothWays() throws {
        let pair = try CorePair()
        pair.connect()
        XCTAssertEqual(pair.a.established, [pair.b.address])
        XCTAssertEqual(pair.b.established, [pair.a.address])
        XCTAssertEqual(pair.a.core.connectedPeers, [pair.b.address])
    }

    func testMessageDeliveredWithAProofThatIsTheReceipt() throws {
        let pair = try CorePair()
        pair.connect()
        let id = try pair.send("hello B")
        XCTAssertEqual(pair.b.delivered.map(\.id), [id])
        XCTAssertEqual(String(decoding: pair.b.delivered[0].body, as: UTF8.self), "hello B")
        XCTAssertEqual(pair.b.delivered[0].from, pair.a.address)
        XCTAssertEqual(pair.b.delivered[0].path, .direct)
        XCTAssertEqual(pair.b.delivered[0].hops, 1)
        XCTAssertEqual(pair.a.proofs, [id])
        XCTAssertEqual(pair.a.proofPaths.first?.0, .direct)
        XCTAssertEqual(pair.a.proofPaths.first?.1, 1)
        let outbound = try XCTUnwrap(pair.a.store.own(id))
        XCTAssertNotNil(outbound.deliveredAt)
        XCTAssertEqual(outbound.deliveredPath, .direct)
        // No sealed receipt travels back: B sent nothing of its own.
        XCTAssertEqual(try pair.b.store.counts().outboxPending, 0)
        XCTAssertEqual(try pair.b.store.counts().outboxDelivered, 0)
        XCTAssertEqual(try pair.a.store.inbox(afterSeq: 0, limit: 10).count, 0)
    }

    func testManyMessagesAllDeliveredOnceInOrderOfSending() throws {
        var limits = CoreLimits()
        limits.inflightPerLinkBytesMax = 8 * 4096
        let pair = try CorePair(limits: limits)
        pair.connect()
        var ids: [MessageID] = []
        for index in 0..<50 { ids.append(try pair.send("message \(index)")) }
        XCTAssertEqual(Set(pair.b.delivered.map(\.id)), Set(ids))
        XCTAssertEqual(pair.b.delivered.count, 50)
        XCTAssertEqual(Set(pair.a.proofs), Set(ids))
    }

    func testRecipientOfflineAtSendTimeGetsMessageOnLinkUp() throws {
        let pair = try CorePair()
        let id = try pair.send("while you were away")
        XCTAssertTrue(pair.b.delivered.isEmpty)
        XCTAssertEqual(try pair.a.store.counts().outboxPending, 1)
        pair.connect()
        XCTAssertEqual(pair.b.delivered.map(\.id), [id])
        XCTAssertEqual(pair.a.proofs, [id])
    }

    func testLostProofIsRetriedAfterReconnectAndNeverDeliveredTwice() throws {
        let pair = try CorePair()
        pair.connect()
        pair.deliverBToA = false  // B stores the message, but its proof and receipt never reach A.
        let id = try pair.send("once only")
        XCTAssertEqual(pair.b.delivered.count, 1)
        XCTAssertTrue(pair.a.proofs.isEmpty)
        pair.disconnectAll()
        pair.deliverBToA = true
        pair.connect()
        XCTAssertNotNil(try pair.a.store.own(id)?.deliveredAt, "custody ends once the new link carries the proof")
        XCTAssertEqual(try pair.a.store.counts().outboxPending, 0)
        XCTAssertEqual(pair.b.delivered.count, 1, "B must not show the copy again")
        XCTAssertEqual(try pair.b.store.inbox(afterSeq: 0, limit: 10).count, 1)
    }

    func testRepeatedCopyIsAnsweredWithTheSameProof() throws {
        let pair = try CorePair()
        let links = pair.connect()
        let id = try pair.send("twice on the wire")
        let envelope = try XCTUnwrap(pair.a.store.own(id)).envelope
        // A buggy or replaying peer sends the same envelope again on the same link.
        let actions = pair.b.core.linkReceived(links.b, bytes: Frame.envelope(envelope).encoded(), now: pair.now)
        XCTAssertEqual(pair.b.delivered.count, 1)
        XCTAssertFalse(actions.contains { if case .delivered = $0 { return true } else { return false } })
        let sent = actions.compactMap { action -> [UInt8]? in
            if case .send(_, let bytes) = action { return bytes } else { return nil }
        }.flatMap { $0 }
        var decoder = FrameDecoder()
        let frames = try decoder.push(sent)
        guard case .proof(let proof) = frames.first else { return XCTFail("expected a proof, got \(frames)") }
        XCTAssertEqual(proof.id, id)
        XCTAssertTrue(Digests.proofMatches(proof, ackHash: try XCTUnwrap(pair.a.store.own(id)).ackHash))
    }

    func testADecoyReusingTheIDNeitherBlocksNorAnswersForTheRealMessage() throws {
        let pair = try CorePair()
        let first = pair.connect()
        pair.blackholedFromA = [first.a]  // the real message is lost on this link
        let id = try pair.send("the real one")
        XCTAssertTrue(pair.b.delivered.isEmpty)
        // Someone who learnt the id seals their own message to B under it, with another ack secret.
        let attacker = try NodeIdentity.generate()
        let attackerRecord = try attacker.record(created: pair.now.wall, expires: pair.now.wall.adding(milliseconds: 10_000_000))
        let decoy = try EnvelopeSeal.seal(
            .init(
                id: id, created: pair.now.wall, expires: pair.now.wall.adding(milliseconds: 60_000), contentType: .text,
                body: Array("decoy".utf8), ackSecret: [UInt8](repeating: 0xEE, count: 32)),
            to: pair.b.verified, from: attacker, senderRecord: attackerRecord)
        let frame = Frame.envelope(decoy.encoded()).encoded()
        pair.apply(pair.b.core.linkReceived(first.b, bytes: frame, now: pair.now), at: pair.b)
        pair.run()
        XCTAssertEqual(pair.b.delivered.map(\.from), [attacker.address], "the decoy is a message from its own sender")

        pair.disconnect(first)
        pair.connect()  // A offers the real message again
        XCTAssertEqual(
            pair.b.delivered.map(\.from), [attacker.address, pair.a.address], "the real message is delivered too")
        XCTAssertEqual(pair.a.proofs, [id], "and answered with its own proof, not the decoy's")
        XCTAssertNotNil(try pair.a.store.own(id)?.deliveredAt)
    }

    func testWhileTheRecipientsStoreRefusesWritesNothingIsProvenAndTheMessageArrivesLater() throws {
        let pair = try CorePair()
        pair.connect()
        pair.b.store.failWrites = StoreError.diskFull("b/ferry.db")
        let id = try pair.send("wait for space")
        XCTAssertTrue(pair.b.delivered.isEmpty)
        XCTAssertTrue(pair.a.proofs.isEmpty, "B could not store the message, so it must not prove it")
        XCTAssertEqual(try pair.a.store.counts().outboxPending, 1, "A keeps custody")

        pair.b.store.failWrites = nil
        try pair.b.store.rollback()
        pair.connect()
        XCTAssertEqual(pair.b.delivered.map(\.id), [id])
        XCTAssertEqual(pair.a.proofs, [id])
    }

    func testMessagesInFlightOnALinkThatLosesTheTieBreakMoveToTheWinner() throws {
        let pair = try CorePair()
        let first = pair.connect()
        pair.blackholedFromA = [first.a]  // what A sends on the first link never arrives
        var ids: [MessageID] = []
        for index in 0..<6 { ids.append(try pair.send("m\(index)")) }
        XCTAssertTrue(pair.b.delivered.isEmpty, "everything went into the black hole")
        // A dials again: the newer of two links from the same dialler wins, the first is closed.
        pair.connect()
        XCTAssertTrue(pair.a.closedLinks.contains(first.a))
        XCTAssertEqual(Set(pair.b.delivered.map(\.id)), Set(ids), "the kept link carried them at once")
        XCTAssertEqual(pair.b.delivered.count, 6)
        XCTAssertEqual(try pair.a.store.counts().outboxPending, 0)
    }

    func testWindowRefillsFromTheCursorAsProofsArrive() throws {
        var limits = CoreLimits()
        limits.inflightPerLinkBytesMax = 4 * 4096
        let pair = try CorePair(limits: limits)
        // 30 messages queued while B is away, then one link: a window of a few messages' bytes
        // must walk the whole outbox.
        var ids: [MessageID] = []
        for index in 0..<30 { ids.append(try pair.send("queued \(index)")) }
        pair.connect()
        XCTAssertEqual(pair.b.delivered.map(\.id), ids, "delivered once each, in outbox order")
        XCTAssertEqual(Set(pair.a.proofs), Set(ids))
    }

    func testDiallerDropsLinkToUnexpectedPeer() throws {
        let pair = try CorePair()
        let stranger = try NodeIdentity.generate().address
        pair.connect(expectedPeer: stranger)
        XCTAssertTrue(pair.a.established.isEmpty)
        XCTAssertEqual(pair.a.closedLinks.count, 1)
        XCTAssertTrue(pair.a.logs.contains { $0.contains("expected \(stranger)") })
    }

    func testHelloRecordMustMatchTheAuthenticatedKey() throws {
        // B's engine claims another key than the one that signed B's hello record.
        let pair = try CorePair()
        pair.connect(engineKeyForB: try NodeIdentity.generate().signingPublicKey)
        XCTAssertTrue(pair.a.established.isEmpty)
        XCTAssertFalse(pair.a.closedLinks.isEmpty)
    }

    func testGarbageFromPeerClosesLinkWithoutCrashing() throws {
        let pair = try CorePair()
        let links = pair.connect()
        var seed: UInt64 = 7
        for _ in 0..<20 {
            let garbage = (0..<64).map { _ -> UInt8 in
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: seed >> 33)
            }
            _ = pair.a.core.linkReceived(links.a, bytes: garbage, now: pair.now)
        }
        XCTAssertTrue(pair.a.core.linkSummaries.isEmpty, "the link was closed")
    }

    func testOversizedFrameLengthClosesLink() throws {
        let pair = try CorePair()
        let links = pair.connect()
        let actions = pair.a.core.linkReceived(links.a, bytes: [0xff, 0xff, 0xff, 0xff, 0x02], now: pair.now)
        XCTAssertTrue(actions.contains(.close(links.a)))
    }

    func testFalseProofIsIgnored() throws {
        let pair = try CorePair()
        let links = pair.connect()
        // Submit without carrying out the actions: B never sees the message, so no real proof comes.
        let (id, _) = try pair.a.core.submit(body: Array("proof me".utf8), to: pair.b.verified, now: pair.now)
        let forged = Frame.proof(DeliveryProof(id: id, ackSecret: [UInt8](repeating: 9, count: 32))).encoded()
        _ = pair.a.core.linkReceived(links.a, bytes: forged, now: pair.now)
        XCTAssertNil(try pair.a.store.own(id)?.deliveredAt, "a proof that does not hash to the ack hash changes nothing")
        XCTAssertEqual(pair.a.core.connectedPeers, [pair.b.address])
    }

    func testKeepalivePingsThenIdleLinkCloses() throws {
        let pair = try CorePair()
        let links = pair.connect()
        pair.advance(milliseconds: 16_000)
        XCTAssertEqual(pair.a.core.connectedPeers.count, 1, "pings answered keep the link up")
        // Stop delivering anything: the link falls silent and must be closed as idle.
        pair.deliverBToA = false
        for _ in 0..<10 { pair.advance(milliseconds: 10_000) }
        XCTAssertTrue(pair.a.closedLinks.contains(links.a))
    }
}
