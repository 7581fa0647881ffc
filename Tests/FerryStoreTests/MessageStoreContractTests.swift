import FerryStore
import FerryWire
import XCTest

/// What every `MessageStore` must do, written once as `check…` methods (here and in the
/// MessageStoreContractTests+… files). Each implementation gets a subclass that overrides
/// `makeStore()` and runs every check as a `test…` method (ContractSuites.swift).
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

    func checkEmptyByteFieldsReadBackEmpty() throws {
        var message = F.held(1)
        message.envelope = []
        message.ackHash = []
        let stored = try XCTUnwrap(try store.hold(message))
        XCTAssertEqual(try store.held(message.key), stored)
        XCTAssertEqual(stored.envelope, [])
        XCTAssertEqual(try store.custodyUsage(.own), CustodyUsage(count: 1, bytes: 0))

        var proof = F.proof(2)
        proof.ackSecret = []
        proof.ackHash = []
        XCTAssertTrue(try store.addProof(proof))
        XCTAssertEqual(try store.proof(proof.key), F.stored(proof, seq: 1))

        let inbound = F.inbound(2, body: [])
        XCTAssertEqual(try store.addInbound(inbound)?.body, [])
        XCTAssertEqual(try store.inbound(id: inbound.id).map(\.body), [[]])

        let record = F.identityRecord(3, created: 1, kemKey: [])
        try store.putIdentity(record, for: F.address(3))
        XCTAssertEqual(try store.identity(for: F.address(3)), record)
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

    func checkIdentityRecordsAreTrimmedToACap() throws {
        for n in 1...7 { try store.putIdentity(F.identityRecord(UInt8(n), created: 100), for: F.address(UInt8(n))) }
        XCTAssertEqual(try store.trimIdentities(keepingAtMost: 10), [], "under the cap nothing goes")
        let removed = try store.trimIdentities(keepingAtMost: 4)
        XCTAssertEqual(removed.count, 3)
        XCTAssertEqual(try store.identities(limit: 100).count, 4)
        for address in removed { XCTAssertNil(try store.identity(for: address)) }
        XCTAssertEqual(try store.trimIdentities(keepingAtMost: 4), [])
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

    func checkCountsReflectCustodyInboxAndProofs() throws {
        XCTAssertEqual(try store.counts(), StoreCounts())
        for n: UInt8 in 1...3 { _ = try store.hold(F.held(n)) }
        try store.markDelivered(F.key(2), at: F.time(3_000), path: .direct, hops: 1)
        _ = try store.hold(F.held(4, kind: .relay, from: 5, size: 10))
        _ = try store.hold(F.held(5, kind: .relay, from: 6, size: 20))
        _ = try store.hold(F.held(6, kind: .mailbox, from: 6, size: 40))
        _ = try store.addInbound(F.inbound(1))
        _ = try store.addInbound(F.inbound(2))
        try store.addProof(F.proof(7))
        try store.addProof(F.proof(8))
        XCTAssertEqual(
            try store.counts(),
            StoreCounts(outboxPending: 2, outboxDelivered: 1, inbox: 2, relay: 2, relayBytes: 30, proofs: 2))
        XCTAssertEqual(try store.proofCount(), 2)
    }

    func checkCommitKeepsEverythingReadable() throws {
        try store.commit()  // nothing to commit
        _ = try store.hold(F.held(1))
        _ = try store.addInbound(F.inbound(1))
        try store.addProof(F.proof(2))
        XCTAssertNotNil(try store.held(F.key(1)), "reads see uncommitted writes")
        try store.commit()
        try store.commit()
        XCTAssertNotNil(try store.held(F.key(1)))
        try store.markDelivered(F.key(1), at: F.time(3_000), path: .direct, hops: 1)
        try store.commit()
        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 0, outboxDelivered: 1, inbox: 1, proofs: 1))
    }

    func checkRollbackDropsUncommittedWritesAndKeepsCommittedOnes() throws {
        let record = F.identityRecord(4, created: 100)
        let own = try XCTUnwrap(try store.hold(F.held(1)))
        let relay = try XCTUnwrap(try store.hold(F.held(2, kind: .relay, from: 5, copies: 8)))
        let committedInbound = try XCTUnwrap(try store.addInbound(F.inbound(1)))
        try store.addProof(F.proof(3, expires: 5_000))
        try store.addProof(F.proof(4, expires: 9_000))
        try store.putIdentity(record, for: F.address(4))
        try store.commit()
        let committedProofs = try store.proofs(afterSeq: 0, limit: 10)

        // One group that touches every table and every kind of custody write, then is discarded.
        _ = try store.hold(F.held(5))
        _ = try store.hold(F.held(6, kind: .mailbox, from: 5))
        try store.setCopies(relay.key, copies: 1)
        try store.markDelivered(own.key, at: F.time(3_000), path: .mesh, hops: 3)
        try store.release(relay.key)
        _ = try store.addInbound(F.inbound(2))
        try store.addProof(F.proof(7))
        XCTAssertEqual(try store.purgeProofs(before: F.time(5_000)), [F.key(3)])
        XCTAssertEqual(try store.trimProofs(keep: 0).count, 2)
        try store.putIdentity(F.identityRecord(4, created: 200), for: F.address(4))
        XCTAssertEqual(
            try store.expireHeld(before: F.time(20_000), deliveredBefore: F.time(20_000)), [F.key(5), F.key(6)])
        try store.rollback()

        XCTAssertEqual(try store.held(own.key), own, "undelivered, unexpired")
        XCTAssertEqual(try store.held(relay.key), relay, "not released, copies as committed")
        XCTAssertNil(try store.held(F.key(5)))
        XCTAssertNil(try store.held(F.key(6)))
        XCTAssertEqual(try store.pendingHeld(now: F.time(0), afterSeq: 0, limit: 10), [own, relay])
        XCTAssertEqual(try store.custodyUsage(.mailbox), CustodyUsage())
        XCTAssertEqual(try store.inbox(afterSeq: 0, limit: 10), [committedInbound])
        XCTAssertEqual(try store.proofs(afterSeq: 0, limit: 10), committedProofs)
        XCTAssertNil(try store.proof(F.key(7)))
        XCTAssertEqual(try store.identity(for: F.address(4)), record)
        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 1, inbox: 1, relay: 1, relayBytes: 4, proofs: 2))
    }

    func checkWritesAndCommitsWorkAfterARollback() throws {
        try store.rollback()  // nothing to discard
        _ = try store.hold(F.held(1))
        try store.addProof(F.proof(1))
        try store.commit()
        let discardedHold = try XCTUnwrap(try store.hold(F.held(2))).seq
        try store.addProof(F.proof(2))
        let discardedProof = try XCTUnwrap(try store.proof(F.key(2))).seq
        try store.rollback()
        try store.rollback()  // twice does nothing more

        let held = try XCTUnwrap(try store.hold(F.held(2)), "the key is free again")
        XCTAssertTrue(try store.addProof(F.proof(2)))
        _ = try store.addInbound(F.inbound(1))
        try store.commit()
        try store.rollback()  // after a commit: nothing to discard
        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 2, inbox: 1, proofs: 2))
        XCTAssertGreaterThan(held.seq, discardedHold, "a custody seq handed out in a discarded group is not handed out again")
        XCTAssertGreaterThan(
            try XCTUnwrap(try store.proof(F.key(2))).seq, discardedProof,
            "nor is a proof seq")
    }

    func checkFailedWriteLeavesEarlierWritesOfTheGroupInPlace() throws {
        _ = try store.hold(F.held(1))
        XCTAssertThrowsError(try store.putIdentity([1, 2, 3], for: F.address(1)))
        _ = try store.hold(F.held(2))
        try store.commit()
        XCTAssertEqual(try store.counts().outboxPending, 2)
    }
}
