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
        XCTAssertEqual(try store.inbound(id: inbound.id)?.body, [])

        try store.putIdentity([], for: F.address(3))
        XCTAssertEqual(try store.identity(for: F.address(3)), [])
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
        XCTAssertEqual(try store.inbound(id: F.id(2)), stored[1])
        XCTAssertEqual(try store.inbound(id: F.id(3))?.path, .mesh)
        XCTAssertNil(try store.inbound(id: F.id(4)))
    }

    func checkAddInboundReturnsNilForADuplicateAndChangesNothing() throws {
        let first = try XCTUnwrap(try store.addInbound(F.inbound(1)))
        XCTAssertNil(try store.addInbound(F.inbound(1, from: 5, body: [0xFF])))
        XCTAssertEqual(try store.inbound(id: F.id(1)), first)
        XCTAssertEqual(try store.counts().inbox, 1)
        XCTAssertEqual(try store.addInbound(F.inbound(2))?.seq, first.seq + 1)
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
        XCTAssertFalse(try store.isSeen(id: F.id(1)))
        try store.markSeen(id: F.id(1), until: F.time(5_000))
        try store.markSeen(id: F.id(2), until: F.time(9_000))
        XCTAssertTrue(try store.isSeen(id: F.id(1)))

        // Purging forgets ids whose time ran out strictly before `now`.
        XCTAssertEqual(try store.purgeSeen(before: F.time(5_000)), 0)
        XCTAssertEqual(try store.purgeSeen(before: F.time(5_001)), 1)
        XCTAssertFalse(try store.isSeen(id: F.id(1)))
        XCTAssertTrue(try store.isSeen(id: F.id(2)))
    }

    func checkMarkingSeenAgainNeverShortensTheMemory() throws {
        try store.markSeen(id: F.id(1), until: F.time(9_000))
        try store.markSeen(id: F.id(1), until: F.time(1_000))
        XCTAssertEqual(try store.purgeSeen(before: F.time(5_000)), 0)
        XCTAssertTrue(try store.isSeen(id: F.id(1)))
        try store.markSeen(id: F.id(1), until: F.time(12_000))
        XCTAssertEqual(try store.purgeSeen(before: F.time(10_000)), 0)
        XCTAssertEqual(try store.purgeSeen(before: F.time(12_001)), 1)
    }

    // MARK: Identities

    func checkIdentityRecordsArePutReplacedAndRead() throws {
        XCTAssertNil(try store.identity(for: F.address(1)))
        try store.putIdentity([1, 2, 3], for: F.address(1))
        try store.putIdentity([7], for: F.address(2))
        XCTAssertEqual(try store.identity(for: F.address(1)), [1, 2, 3])
        try store.putIdentity([4, 5], for: F.address(1))
        XCTAssertEqual(try store.identity(for: F.address(1)), [4, 5])
        XCTAssertEqual(try store.identity(for: F.address(2)), [7])
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

    func checkFailedWriteLeavesEarlierWritesOfTheGroupInPlace() throws {
        try store.addOutbound(F.outbound(1))
        XCTAssertThrowsError(try store.addOutbound(F.outbound(1)))
        try store.addOutbound(F.outbound(2))
        try store.commit()
        XCTAssertEqual(try store.counts().outboxPending, 2)
    }
}
