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
        try store.addOutbound(F.outbound(1))
        let kept = try XCTUnwrap(try store.addInbound(F.inbound(1)))
        try store.commit()
        _ = try store.markDelivered(id: F.id(1), at: F.time(3_000))
        try store.addOutbound(F.outbound(2))
        _ = try store.addInbound(F.inbound(2))
        try store.putIdentity(F.identityRecord(4, created: 1), for: F.address(4))

        store.simulateCrash()

        XCTAssertEqual(try store.outbound(id: F.id(1)), F.stored(F.outbound(1), seq: 1))
        XCTAssertNil(try store.outbound(id: F.id(2)))
        XCTAssertEqual(try store.inbox(afterSeq: 0, limit: 10), [kept])
        XCTAssertNil(try store.identity(for: F.address(4)))
        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 1, inbox: 1))
        // The store carries on after the "restart".
        XCTAssertEqual(try store.addInbound(F.inbound(2))?.seq, 2)
        try store.commit()
        store.simulateCrash()
        XCTAssertEqual(try store.counts().inbox, 2)
    }

    func testFailWritesMakesEveryWriteThrowWithoutChangingAnything() throws {
        let store = InMemoryMessageStore()
        try store.addOutbound(F.outbound(1))
        store.failWrites = Injected()
        let writes: [(String, () throws -> Void)] = [
            ("addOutbound", { try store.addOutbound(F.outbound(2)) }),
            ("markDelivered", { _ = try store.markDelivered(id: F.id(1), at: F.time(3_000)) }),
            ("markReceipt", { _ = try store.markReceipt(id: F.id(1), receivedAt: F.time(3_000), openedAt: F.time(3_000)) }),
            ("expireOutbound", { _ = try store.expireOutbound(before: F.time(99_000)) }),
            ("addInbound", { _ = try store.addInbound(F.inbound(1)) }),
            ("markSeen", { try store.markSeen(id: F.id(1), ackHash: F.ackHash(1), until: F.time(9_000)) }),
            ("purgeSeen", { _ = try store.purgeSeen(before: F.time(9_000)) }),
            ("putIdentity", { try store.putIdentity(F.identityRecord(4, created: 1), for: F.address(4)) }),
        ]
        for (name, write) in writes {
            XCTAssertThrowsError(try write(), name) { XCTAssertEqual($0 as? Injected, Injected(), name) }
        }
        // Reads still work and see nothing of the refused writes.
        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 1))
        XCTAssertNil(try store.outbound(id: F.id(1))?.deliveredAt)
        XCTAssertNil(try store.identity(for: F.address(4)))

        store.failWrites = nil
        try store.addOutbound(F.outbound(2))
        try store.commit()
        XCTAssertEqual(try store.counts().outboxPending, 2)
    }

    func testFailNextCommitFailsOnceAndRollbackThenDropsTheGroup() throws {
        let store = InMemoryMessageStore()
        try store.addOutbound(F.outbound(1))
        try store.commit()
        try store.addOutbound(F.outbound(2))
        store.failNextCommit = Injected()
        XCTAssertThrowsError(try store.commit()) { XCTAssertEqual($0 as? Injected, Injected()) }
        XCTAssertNil(store.failNextCommit, "the injected failure is used up")
        XCTAssertNotNil(try store.outbound(id: F.id(2)), "a failed commit discards nothing by itself")
        try store.rollback()
        XCTAssertNil(try store.outbound(id: F.id(2)))

        try store.addOutbound(F.outbound(3))
        try store.commit()
        store.simulateCrash()
        XCTAssertNotNil(try store.outbound(id: F.id(3)), "the next commit counts")
        XCTAssertEqual(store.commitCount, 2, "only commits that succeeded are counted")
    }
}
