import FerryStore
import FerryWire
import XCTest

/// What every `MessageStore` must do, written once as `check…` methods. Each implementation gets a
/// subclass that overrides `makeStore()` and runs every check as a `test…` method (ContractSuites.swift).
///
/// The checks are not `test…` methods themselves because XCTest on Linux discovers only the methods
/// a class declares, not inherited ones; ContractCoverageTests fails if a suite misses a check.
class MessageStoreContractTests: XCTestCase {
    private(set) var store: (any MessageStore)!

    /// A new, empty store. Subclasses override it.
    func makeStore() throws -> any MessageStore {
        preconditionFailure("\(type(of: self)) must override makeStore()")
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        store = try makeStore()
    }

    override func tearDownWithError() throws {
        store = nil
        try super.tearDownWithError()
    }

    private typealias F = Fixture

    // MARK: Outbox

    func checkAddedOutboundReadsBackUnchanged() throws {
        let plain = F.outbound(1)
        var settled = F.outbound(2, kind: .receipt)
        settled.deliveredAt = F.time(3_000)
        settled.receiptAt = F.time(3_100)
        settled.openedAt = F.time(3_050)
        try store.addOutbound(plain)
        try store.addOutbound(settled)
        XCTAssertEqual(try store.outbound(id: plain.id), F.stored(plain, seq: 1))
        XCTAssertEqual(try store.outbound(id: settled.id), F.stored(settled, seq: 2))
        XCTAssertNil(try store.outbound(id: F.id(99)))
    }

    func checkEmptyByteFieldsReadBackEmpty() throws {
        var message = F.outbound(1)
        message.envelope = []
        message.ackHash = []
        try store.addOutbound(message)
        XCTAssertEqual(try store.outbound(id: message.id), F.stored(message, seq: 1))

        let inbound = F.inbound(2, body: [])
        XCTAssertEqual(try store.addInbound(inbound)?.body, [])
        XCTAssertEqual(try store.inbound(id: inbound.id).map(\.body), [[]])

        let record = F.identityRecord(3, created: 1, kemKey: [])
        try store.putIdentity(record, for: F.address(3))
        XCTAssertEqual(try store.identity(for: F.address(3)), record)
    }

    func checkAddingDuplicateOutboundThrowsAndKeepsOriginal() throws {
        let original = F.outbound(1)
        try store.addOutbound(original)
        var copy = F.outbound(1, to: 9)
        copy.envelope = [9, 9]
        XCTAssertThrowsError(try store.addOutbound(copy)) { error in
            XCTAssertEqual(error as? StoreError, .duplicate(original.id))
        }
        XCTAssertEqual(try store.outbound(id: original.id), F.stored(original, seq: 1))
        XCTAssertEqual(try store.counts().outboxPending, 1)
    }

    func checkPendingOutboundIsOldestFirstForOneDestinationWithinLimit() throws {
        for n: UInt8 in 1...6 {
            // Odd ids go to destination 1, even ids to destination 2.
            try store.addOutbound(F.outbound(n, to: n % 2 == 1 ? 1 : 2, created: 1_000 + UInt64(n)))
        }
        let now = F.time(2_000)
        XCTAssertEqual(try store.pendingOutbound(to: F.address(1), now: now, limit: 10).map(\.id), [1, 3, 5].map(F.id))
        XCTAssertEqual(try store.pendingOutbound(to: F.address(2), now: now, limit: 2).map(\.id), [2, 4].map(F.id))
        XCTAssertEqual(try store.pendingOutbound(to: F.address(1), now: now, limit: 0), [])
        XCTAssertEqual(try store.pendingOutbound(to: F.address(7), now: now, limit: 10), [])
    }

    func checkPendingOutboundAfterSeqSkipsWhatWasOffered() throws {
        for n: UInt8 in 1...5 { try store.addOutbound(F.outbound(n, created: 1_000 + UInt64(n))) }
        let now = F.time(2_000)
        let all = try store.pendingOutbound(to: F.address(1), now: now, afterSeq: 0, limit: 10)
        XCTAssertEqual(all.map(\.id), (1...5).map(F.id))
        let seqs = all.map(\.seq)
        XCTAssertEqual(seqs, seqs.sorted(), "seq follows insertion order")
        XCTAssertEqual(Set(seqs).count, 5, "each message has its own seq")
        let rest = try store.pendingOutbound(to: F.address(1), now: now, afterSeq: seqs[2], limit: 10)
        XCTAssertEqual(rest.map(\.id), [4, 5].map(F.id))
        try store.markDelivered(id: F.id(4), at: now)
        XCTAssertEqual(try store.pendingOutbound(to: F.address(1), now: now, afterSeq: seqs[2], limit: 10).map(\.id), [F.id(5)])
        XCTAssertEqual(try store.pendingOutbound(to: F.address(1), now: now, afterSeq: seqs[4], limit: 10), [])
    }

    func checkOutboxSeqIsNeverReusedAfterTheNewestMessageGoes() throws {
        try store.addOutbound(F.outbound(1))
        try store.addOutbound(F.outbound(2))
        try store.addOutbound(F.outbound(3, expires: 100))
        let handedOut = try (1...3).map { try XCTUnwrap(try store.outbound(id: F.id($0))).seq }
        // The newest message expires; a link's cursor may already stand at its seq.
        XCTAssertEqual(try store.expireOutbound(before: F.time(1_000)), 1)
        try store.addOutbound(F.outbound(4))
        let next = try XCTUnwrap(try store.outbound(id: F.id(4))).seq
        XCTAssertGreaterThan(next, handedOut.max()!, "a new message must not get the seq of a removed one")
        let cursor = handedOut.max()!
        XCTAssertEqual(
            try store.pendingOutbound(to: F.address(1), now: F.time(1_000), afterSeq: cursor, limit: 10).map(\.id),
            [F.id(4)], "a cursor past the removed message still finds the new one")
    }

    func checkExpiredAndDeliveredOutboundAreNotPending() throws {
        try store.addOutbound(F.outbound(1, expires: 5_000))
        try store.addOutbound(F.outbound(2, expires: 5_001))
        try store.addOutbound(F.outbound(3, expires: 9_000))
        try store.markDelivered(id: F.id(3), at: F.time(4_000))
        // A message expiring exactly at `now` has expired.
        let pending = try store.pendingOutbound(to: F.address(1), now: F.time(5_000), limit: 10)
        XCTAssertEqual(pending.map(\.id), [F.id(2)])
    }

    func checkMarkDeliveredSucceedsOnceForAKnownMessage() throws {
        try store.addOutbound(F.outbound(1))
        XCTAssertTrue(try store.markDelivered(id: F.id(1), at: F.time(3_000)))
        XCTAssertFalse(try store.markDelivered(id: F.id(1), at: F.time(4_000)))
        XCTAssertFalse(try store.markDelivered(id: F.id(2), at: F.time(3_000)))
        XCTAssertEqual(try store.outbound(id: F.id(1))?.deliveredAt, F.time(3_000))
    }

    func checkMarkReceiptRecordsTimesAndImpliesDelivery() throws {
        try store.addOutbound(F.outbound(1))
        try store.addOutbound(F.outbound(2))
        try store.markDelivered(id: F.id(2), at: F.time(2_500))

        XCTAssertTrue(try store.markReceipt(id: F.id(1), receivedAt: F.time(3_000), openedAt: F.time(2_900)))
        XCTAssertTrue(try store.markReceipt(id: F.id(2), receivedAt: F.time(3_000), openedAt: F.time(2_900)))
        XCTAssertFalse(try store.markReceipt(id: F.id(3), receivedAt: F.time(3_000), openedAt: F.time(2_900)))

        let first = try XCTUnwrap(try store.outbound(id: F.id(1)))
        XCTAssertEqual(first.deliveredAt, F.time(3_000), "a receipt proves delivery")
        XCTAssertEqual(first.receiptAt, F.time(3_000))
        XCTAssertEqual(first.openedAt, F.time(2_900))
        XCTAssertEqual(try store.outbound(id: F.id(2))?.deliveredAt, F.time(2_500), "earlier proof is kept")
        XCTAssertFalse(try store.markDelivered(id: F.id(1), at: F.time(4_000)))
    }

    func checkExpireOutboundRemovesOnlyUndeliveredExpiredMessages() throws {
        try store.addOutbound(F.outbound(1, expires: 5_000))  // expired, undelivered: removed
        try store.addOutbound(F.outbound(2, expires: 5_000))  // expired but delivered: kept
        try store.addOutbound(F.outbound(3, expires: 5_001))  // not yet expired: kept
        try store.addOutbound(F.outbound(4, to: 2, expires: 100))  // other destination, expired: removed
        try store.markDelivered(id: F.id(2), at: F.time(4_000))

        XCTAssertEqual(try store.expireOutbound(before: F.time(5_000)), 2)
        XCTAssertNil(try store.outbound(id: F.id(1)))
        XCTAssertNotNil(try store.outbound(id: F.id(2)))
        XCTAssertNotNil(try store.outbound(id: F.id(3)))
        XCTAssertNil(try store.outbound(id: F.id(4)))
        XCTAssertEqual(try store.expireOutbound(before: F.time(5_000)), 0)
        // The id is free again once expired.
        XCTAssertNoThrow(try store.addOutbound(F.outbound(1, expires: 20_000)))
    }

    func checkOutboundOrderSurvivesRemovals() throws {
        for n: UInt8 in 1...3 { try store.addOutbound(F.outbound(n, expires: n == 3 ? 100 : 10_000)) }
        XCTAssertEqual(try store.expireOutbound(before: F.time(1_000)), 1)
        try store.addOutbound(F.outbound(4))
        try store.addOutbound(F.outbound(3))
        let order = try store.pendingOutbound(to: F.address(1), now: F.time(1_000), limit: 10).map(\.id)
        XCTAssertEqual(order, [1, 2, 4, 3].map(F.id))
    }

    // MARK: Inbox

    func checkAddInboundAssignsIncreasingSeqAndIgnoresTheCallersSeq() throws {
        var first = F.inbound(1, path: .direct)
        first.seq = 77
        let stored = try [first, F.inbound(2, path: .coordinator), F.inbound(3, path: .mesh)].map {
            try XCTUnwrap(try store.addInbound($0))
        }
        XCTAssertEqual(stored.map(\.seq), [1, 2, 3])
        var expected = first
        expected.seq = 1
        XCTAssertEqual(stored[0], expected)
        XCTAssertEqual(try store.inbound(id: F.id(2)), [stored[1]])
        XCTAssertEqual(try store.inbound(id: F.id(3)).map(\.path), [.mesh])
        XCTAssertEqual(try store.inbound(id: F.id(4)), [])
    }

    func checkAddInboundReturnsNilForADuplicateAndChangesNothing() throws {
        let first = try XCTUnwrap(try store.addInbound(F.inbound(1)))
        XCTAssertNil(try store.addInbound(F.inbound(1, from: 5, body: [0xFF])))
        XCTAssertEqual(try store.inbound(id: F.id(1)), [first])
        XCTAssertEqual(try store.counts().inbox, 1)
        XCTAssertEqual(try store.addInbound(F.inbound(2))?.seq, first.seq + 1)
    }

    func checkSameIDWithAnotherAckSecretIsAnotherInboundMessage() throws {
        // A decoy arrives first, reusing the real message's id under another ack secret.
        let decoy = try XCTUnwrap(try store.addInbound(F.inbound(1, from: 6, body: [0xD0], secret: 0xEE)))
        let real = try XCTUnwrap(try store.addInbound(F.inbound(1)), "the real message must still be stored")
        XCTAssertGreaterThan(real.seq, decoy.seq)
        XCTAssertEqual(try store.inbound(id: F.id(1)), [decoy, real], "both, oldest first")
        XCTAssertNil(try store.addInbound(F.inbound(1)), "the same (id, ack secret) again is a duplicate")
        XCTAssertNil(try store.addInbound(F.inbound(1, from: 6, secret: 0xEE)))
        XCTAssertEqual(try store.counts().inbox, 2)
        XCTAssertEqual(try store.inbox(afterSeq: 0, limit: 10), [decoy, real])
    }

    func checkInboundByIDReturnsAtMostTheBoundOldestFirst() throws {
        let copies = StoreLimits.inboundCopiesPerIDMax + 3
        var stored: [InboundMessage] = []
        for n in 0..<copies {
            stored.append(try XCTUnwrap(try store.addInbound(F.inbound(1, secret: UInt8(100 + n)))))
        }
        XCTAssertEqual(try store.counts().inbox, copies, "every distinct (id, ack secret) is kept")
        XCTAssertEqual(try store.inbound(id: F.id(1)), Array(stored.prefix(StoreLimits.inboundCopiesPerIDMax)))
    }

    func checkInboxListsAfterSeqInOrderWithinLimit() throws {
        for n: UInt8 in 1...5 { _ = try store.addInbound(F.inbound(n)) }
        XCTAssertEqual(try store.inbox(afterSeq: 0, limit: 10).map(\.seq), [1, 2, 3, 4, 5])
        XCTAssertEqual(try store.inbox(afterSeq: 2, limit: 2).map(\.id), [3, 4].map(F.id))
        XCTAssertEqual(try store.inbox(afterSeq: 5, limit: 10), [])
        XCTAssertEqual(try store.inbox(afterSeq: 0, limit: 0), [])
    }

    // MARK: Seen ids

    func checkSeenIdsAreRememberedUntilPurged() throws {
        XCTAssertFalse(try store.isSeen(id: F.id(1), ackHash: F.ackHash(1)))
        try store.markSeen(id: F.id(1), ackHash: F.ackHash(1), until: F.time(5_000))
        try store.markSeen(id: F.id(2), ackHash: F.ackHash(2), until: F.time(9_000))
        XCTAssertTrue(try store.isSeen(id: F.id(1), ackHash: F.ackHash(1)))

        // Purging forgets ids whose time ran out strictly before `now`.
        XCTAssertEqual(try store.purgeSeen(before: F.time(5_000)), 0)
        XCTAssertEqual(try store.purgeSeen(before: F.time(5_001)), 1)
        XCTAssertFalse(try store.isSeen(id: F.id(1), ackHash: F.ackHash(1)))
        XCTAssertTrue(try store.isSeen(id: F.id(2), ackHash: F.ackHash(2)))
    }

    func checkMarkingSeenAgainNeverShortensTheMemory() throws {
        try store.markSeen(id: F.id(1), ackHash: F.ackHash(1), until: F.time(9_000))
        try store.markSeen(id: F.id(1), ackHash: F.ackHash(1), until: F.time(1_000))
        XCTAssertEqual(try store.purgeSeen(before: F.time(5_000)), 0)
        XCTAssertTrue(try store.isSeen(id: F.id(1), ackHash: F.ackHash(1)))
        try store.markSeen(id: F.id(1), ackHash: F.ackHash(1), until: F.time(12_000))
        XCTAssertEqual(try store.purgeSeen(before: F.time(10_000)), 0)
        XCTAssertEqual(try store.purgeSeen(before: F.time(12_001)), 1)
    }

    func checkSeenIsKeyedOnIDAndAckHash() throws {
        try store.markSeen(id: F.id(1), ackHash: F.ackHash(0xEE), until: F.time(9_000))
        XCTAssertTrue(try store.isSeen(id: F.id(1), ackHash: F.ackHash(0xEE)))
        XCTAssertFalse(try store.isSeen(id: F.id(1), ackHash: F.ackHash(1)), "a decoy seen under this id hides nothing")
        try store.markSeen(id: F.id(1), ackHash: F.ackHash(1), until: F.time(2_000))
        XCTAssertTrue(try store.isSeen(id: F.id(1), ackHash: F.ackHash(1)))
        // Each pair keeps its own time.
        XCTAssertEqual(try store.purgeSeen(before: F.time(5_000)), 1)
        XCTAssertFalse(try store.isSeen(id: F.id(1), ackHash: F.ackHash(1)))
        XCTAssertTrue(try store.isSeen(id: F.id(1), ackHash: F.ackHash(0xEE)))
    }

    // MARK: Identities

    func checkIdentityRecordsArePutReplacedAndRead() throws {
        let first = F.identityRecord(1, created: 100)
        let other = F.identityRecord(2, created: 100)
        let rotated = F.identityRecord(1, created: 200, kemKey: [4, 5])
        XCTAssertNil(try store.identity(for: F.address(1)))
        XCTAssertTrue(try store.putIdentity(first, for: F.address(1)))
        XCTAssertTrue(try store.putIdentity(other, for: F.address(2)))
        XCTAssertEqual(try store.identity(for: F.address(1)), first)
        XCTAssertTrue(try store.putIdentity(rotated, for: F.address(1)))
        XCTAssertEqual(try store.identity(for: F.address(1)), rotated)
        XCTAssertEqual(try store.identity(for: F.address(2)), other)
    }

    func checkAnOlderIdentityRecordNeverReplacesANewerOne() throws {
        let newer = F.identityRecord(1, created: 500, kemKey: [5])
        try store.putIdentity(newer, for: F.address(1))
        XCTAssertFalse(try store.putIdentity(F.identityRecord(1, created: 499, kemKey: [4]), for: F.address(1)))
        XCTAssertEqual(
            try store.identity(for: F.address(1)), newer, "a replayed older record must not roll the key back")
        XCTAssertFalse(
            try store.putIdentity(F.identityRecord(1, created: 500, kemKey: [6]), for: F.address(1)),
            "on equal created the stored record stays")
        XCTAssertEqual(try store.identity(for: F.address(1)), newer)
        let newest = F.identityRecord(1, created: 501, kemKey: [7])
        XCTAssertTrue(try store.putIdentity(newest, for: F.address(1)))
        XCTAssertEqual(try store.identity(for: F.address(1)), newest)
    }

    func checkAnIdentityRecordThatDoesNotDecodeIsRefused() throws {
        let good = F.identityRecord(1, created: 100)
        try store.putIdentity(good, for: F.address(1))
        for garbage in [[], [1, 2, 3], good.dropLast() + [], good + [0]] as [[UInt8]] {
            XCTAssertThrowsError(try store.putIdentity(garbage, for: F.address(1))) { error in
                guard case .invalidIdentityRecord? = error as? StoreError else {
                    return XCTFail("expected StoreError.invalidIdentityRecord, got \(error)")
                }
            }
            XCTAssertThrowsError(try store.putIdentity(garbage, for: F.address(2)))
        }
        XCTAssertEqual(try store.identity(for: F.address(1)), good)
        XCTAssertNil(try store.identity(for: F.address(2)))
    }

    // MARK: Housekeeping

    func checkCountsReflectOutboxStateAndInbox() throws {
        XCTAssertEqual(try store.counts(), StoreCounts())
        for n: UInt8 in 1...3 { try store.addOutbound(F.outbound(n)) }
        try store.markDelivered(id: F.id(2), at: F.time(3_000))
        _ = try store.addInbound(F.inbound(1))
        _ = try store.addInbound(F.inbound(2))
        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 2, outboxDelivered: 1, inbox: 2, relay: 0))
    }

    func checkCommitKeepsEverythingReadable() throws {
        try store.commit()  // nothing to commit
        try store.addOutbound(F.outbound(1))
        _ = try store.addInbound(F.inbound(1))
        XCTAssertNotNil(try store.outbound(id: F.id(1)), "reads see uncommitted writes")
        try store.commit()
        try store.commit()
        XCTAssertNotNil(try store.outbound(id: F.id(1)))
        try store.markDelivered(id: F.id(1), at: F.time(3_000))
        try store.commit()
        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 0, outboxDelivered: 1, inbox: 1))
    }

    func checkRollbackDropsUncommittedWritesAndKeepsCommittedOnes() throws {
        let record = F.identityRecord(4, created: 100)
        try store.addOutbound(F.outbound(1))
        let committedInbound = try XCTUnwrap(try store.addInbound(F.inbound(1)))
        try store.markSeen(id: F.id(1), ackHash: F.ackHash(1), until: F.time(9_000))
        try store.putIdentity(record, for: F.address(4))
        try store.commit()

        // One group that touches every table, then is discarded.
        try store.addOutbound(F.outbound(2))
        try store.markDelivered(id: F.id(1), at: F.time(3_000))
        _ = try store.addInbound(F.inbound(2))
        try store.markSeen(id: F.id(2), ackHash: F.ackHash(2), until: F.time(9_000))
        XCTAssertEqual(try store.purgeSeen(before: F.time(10_000)), 2)
        try store.putIdentity(F.identityRecord(4, created: 200), for: F.address(4))
        XCTAssertEqual(try store.expireOutbound(before: F.time(20_000)), 1)
        try store.rollback()

        XCTAssertEqual(try store.outbound(id: F.id(1)), F.stored(F.outbound(1), seq: 1), "undelivered, unexpired")
        XCTAssertNil(try store.outbound(id: F.id(2)))
        XCTAssertEqual(try store.inbox(afterSeq: 0, limit: 10), [committedInbound])
        XCTAssertTrue(try store.isSeen(id: F.id(1), ackHash: F.ackHash(1)))
        XCTAssertFalse(try store.isSeen(id: F.id(2), ackHash: F.ackHash(2)))
        XCTAssertEqual(try store.identity(for: F.address(4)), record)
        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 1, inbox: 1))
    }

    func checkWritesAndCommitsWorkAfterARollback() throws {
        try store.rollback()  // nothing to discard
        try store.addOutbound(F.outbound(1))
        try store.commit()
        try store.addOutbound(F.outbound(2))
        let discardedSeq = try XCTUnwrap(try store.outbound(id: F.id(2))).seq
        try store.rollback()
        try store.rollback()  // twice does nothing more

        try store.addOutbound(F.outbound(2))  // the id is free again
        _ = try store.addInbound(F.inbound(1))
        try store.commit()
        try store.rollback()  // after a commit: nothing to discard
        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 2, inbox: 1))
        XCTAssertGreaterThan(
            try XCTUnwrap(try store.outbound(id: F.id(2))).seq, discardedSeq,
            "a seq handed out in a discarded group is not handed out again")
    }

    func checkFailedWriteLeavesEarlierWritesOfTheGroupInPlace() throws {
        try store.addOutbound(F.outbound(1))
        XCTAssertThrowsError(try store.addOutbound(F.outbound(1)))
        try store.addOutbound(F.outbound(2))
        try store.commit()
        XCTAssertEqual(try store.counts().outboxPending, 2)
    }
}
