import FerryStore
import FerryWire
import XCTest

/// What only the in-memory store offers: a crash model and injected failures, for core tests and
/// the simulator.
final class InMemoryMessageStoreTests: XCTestCase {
    private typealias F = Fixture

    private struct Injected: Error, Equatable {}

    func testASimulatedCrashLosesExactlyTheUncommittedWrites() throws {
        let store = InMemoryMessageStore()
        let own = try XCTUnwrap(try store.hold(F.held(1)))
        let relay = try XCTUnwrap(try store.hold(F.held(2, kind: .relay, from: 5, copies: 8)))
        let kept = try XCTUnwrap(try store.addInbound(F.inbound(1)))
        try store.addProof(F.proof(3))
        try store.commit()
        try store.markDelivered(own.key, at: F.time(3_000), path: .mesh, hops: 2)
        try store.setCopies(relay.key, copies: 1)
        _ = try store.hold(F.held(4, kind: .mailbox, from: 5))
        try store.addProof(F.proof(5))
        _ = try store.purgeProofs(before: F.time(99_000))
        _ = try store.addInbound(F.inbound(2))
        try store.putIdentity(F.identityRecord(4, created: 1), for: F.address(4))

        store.simulateCrash()

        XCTAssertEqual(try store.held(own.key), own)
        XCTAssertEqual(try store.held(relay.key), relay)
        XCTAssertNil(try store.held(F.key(4)))
        XCTAssertEqual(try store.proofs(afterSeq: 0, limit: 10).map(\.id), [F.id(3)])
        XCTAssertEqual(try store.inbox(afterSeq: 0, limit: 10), [kept])
        XCTAssertNil(try store.identity(for: F.address(4)))
        XCTAssertEqual(
            try store.counts(), StoreCounts(outboxPending: 1, inbox: 1, relay: 1, relayBytes: 4, proofs: 1))
        XCTAssertEqual(try store.custodyBytes(.relay, origin: F.address(5)), 4, "the sums come back with the rows")
        XCTAssertEqual(try store.custodyUsage(.mailbox), CustodyUsage())
        // The store carries on after the "restart".
        XCTAssertEqual(try store.addInbound(F.inbound(2))?.seq, 2)
        try store.commit()
        store.simulateCrash()
        XCTAssertEqual(try store.counts().inbox, 2)
    }

    func testSeqsHandedOutBeforeASimulatedCrashAreNotHandedOutAgain() throws {
        let store = InMemoryMessageStore()
        _ = try store.hold(F.held(1))
        try store.addProof(F.proof(1))
        try store.commit()
        let lostHold = try XCTUnwrap(try store.hold(F.held(2))).seq
        try store.addProof(F.proof(2))
        let lostProof = try XCTUnwrap(try store.proof(F.key(2))).seq
        store.simulateCrash()
        // A test's core may outlive the simulated crash with its cursors; they must still see new rows.
        XCTAssertGreaterThan(try XCTUnwrap(try store.hold(F.held(3))).seq, lostHold)
        try store.addProof(F.proof(3))
        XCTAssertGreaterThan(try XCTUnwrap(try store.proof(F.key(3))).seq, lostProof)
    }

    func testFailWritesMakesEveryWriteThrowWithoutChangingAnything() throws {
        let store = InMemoryMessageStore()
        _ = try store.hold(F.held(1))
        _ = try store.hold(F.held(2, kind: .relay, from: 5))
        try store.addProof(F.proof(3, expires: 100))
        let before = try store.counts()
        store.failWrites = Injected()
        let writes: [(String, () throws -> Void)] = [
            ("hold", { _ = try store.hold(F.held(4)) }),
            ("setCopies", { try store.setCopies(F.key(2), copies: 1) }),
            ("markDelivered", { _ = try store.markDelivered(F.key(1), at: F.time(3_000), path: .direct, hops: 1) }),
            ("release", { _ = try store.release(F.key(2)) }),
            ("expireHeld", { _ = try store.expireHeld(before: F.time(99_000), deliveredBefore: F.time(99_000)) }),
            ("addProof", { _ = try store.addProof(F.proof(5)) }),
            ("purgeProofs", { _ = try store.purgeProofs(before: F.time(99_000)) }),
            ("trimProofs", { _ = try store.trimProofs(keep: 0) }),
            ("addInbound", { _ = try store.addInbound(F.inbound(1)) }),
            ("putIdentity", { try store.putIdentity(F.identityRecord(4, created: 1), for: F.address(4)) }),
        ]
        for (name, write) in writes {
            XCTAssertThrowsError(try write(), name) { XCTAssertEqual($0 as? Injected, Injected(), name) }
        }
        // Reads still work and see nothing of the refused writes.
        XCTAssertEqual(try store.counts(), before)
        XCTAssertNil(try store.held(F.key(1))?.deliveredAt)
        XCTAssertEqual(try store.held(F.key(2))?.copies, 4)
        XCTAssertNil(try store.identity(for: F.address(4)))

        store.failWrites = nil
        _ = try store.hold(F.held(4))
        try store.commit()
        XCTAssertEqual(try store.counts().outboxPending, 2)
        XCTAssertEqual(try store.held(F.key(4))?.seq, 3, "a refused hold took no seq")
    }

    func testFailNextCommitFailsOnceAndRollbackThenDropsTheGroup() throws {
        let store = InMemoryMessageStore()
        _ = try store.hold(F.held(1))
        try store.commit()
        _ = try store.hold(F.held(2))
        store.failNextCommit = Injected()
        XCTAssertThrowsError(try store.commit()) { XCTAssertEqual($0 as? Injected, Injected()) }
        XCTAssertNil(store.failNextCommit, "the injected failure is used up")
        XCTAssertNotNil(try store.held(F.key(2)), "a failed commit discards nothing by itself")
        try store.rollback()
        XCTAssertNil(try store.held(F.key(2)))

        _ = try store.hold(F.held(3))
        try store.commit()
        store.simulateCrash()
        XCTAssertNotNil(try store.held(F.key(3)), "the next commit counts")
        XCTAssertEqual(store.commitCount, 2, "only commits that succeeded are counted")
    }
}
