@testable import FerrySQLite
import FerryStore
import FerryWire
import Foundation
import XCTest

/// The SQLite store's rows: what each query reads, and what damaged or extreme values do.
final class SQLiteRowsTests: XCTestCase {
    private typealias F = Fixture
    private var directory: TemporaryDirectory!
    private var store: SQLiteMessageStore!

    override func setUpWithError() throws {
        try super.setUpWithError()
        directory = try TemporaryDirectory()
        store = try SQLiteMessageStore(path: directory.databasePath)
    }

    override func tearDownWithError() throws {
        defer { directory.remove() }
        try store?.close()
        store = nil
        try super.tearDownWithError()
    }

    func testEveryCustodyAndProofQueryReadsTheIndexMadeForIt() throws {
        let expectations: [(String, String, String)] = [
            ("held by key", CustodySQL.byKey, "sqlite_autoindex_custody_1"),
            ("held by id", CustodySQL.byID, "sqlite_autoindex_custody_1"),
            ("pending for a destination", CustodySQL.pendingForDestination, "custody_pending_by_destination"),
            ("pending", CustodySQL.pending, "INTEGER PRIMARY KEY"),
            ("pending of a kind", CustodySQL.pendingOfKind, "custody_pending_by_kind"),
            ("usage", CustodySQL.usage, "COVERING INDEX custody_pending_by_kind"),
            ("bytes by origin", CustodySQL.bytesByOrigin, "COVERING INDEX custody_bytes_by_origin"),
            ("bytes by destination", CustodySQL.bytesByDestination, "COVERING INDEX custody_bytes_by_destination"),
            ("eviction order", CustodySQL.evictionOrder, "custody_eviction"),
            ("expired keys", CustodySQL.expiredKeys, "INDEX custody_expiry"),
            ("delete expired", CustodySQL.deleteExpired, "custody_expiry"),
            ("delete delivered", CustodySQL.deleteDeliveredBefore, "custody_delivered"),
            ("proof by key", ProofSQL.byKey, "PRIMARY KEY"),
            ("proofs after seq", ProofSQL.afterSeq, "(seq>?)"),
            ("expired proofs", ProofSQL.expiredKeys, "proofs_by_expiry"),
            ("delete expired proofs", ProofSQL.deleteExpired, "proofs_by_expiry"),
            ("nearest expiry", ProofSQL.nearestExpiry, "proofs_by_expiry"),
        ]
        for (name, sql, index) in expectations {
            let plan = try store.queryPlan(sql)
            let text = plan.joined(separator: " | ")
            XCTAssertTrue(plan.contains { $0.contains(index) }, "\(name) should use \(index): \(text)")
            // A bare SCAN reads every row of the table; a SCAN of an index in order (for ORDER BY …
            // LIMIT) stops at the limit.
            XCTAssertFalse(plan.contains { $0 == "SCAN custody" || $0 == "SCAN proofs" }, "\(name): \(text)")
        }
        // Cursor walks and eviction come out of their index in order: no sort of every match.
        let ordered = [
            CustodySQL.pendingForDestination, CustodySQL.pending, CustodySQL.pendingOfKind, CustodySQL.evictionOrder,
            ProofSQL.afterSeq, ProofSQL.nearestExpiry,
        ]
        for sql in ordered {
            let plan = try store.queryPlan(sql)
            XCTAssertFalse(plan.contains { $0.contains("TEMP B-TREE") }, "\(sql): \(plan.joined(separator: " | "))")
        }
    }

    func testCorruptCustodyRowsThrowInsteadOfTrapping() throws {
        _ = try store.hold(F.held(1, kind: .relay, from: 5))
        try store.commit()
        let damages: [(String, () throws -> Void)] = [
            ("destination = x'0102'", { _ = try self.store.held(id: F.id(1)) }),
            ("kind = 99", { _ = try self.store.held(id: F.id(1)) }),
            ("copies = 70000", { _ = try self.store.pendingHeld(now: F.time(0), afterSeq: 0, limit: 10) }),
            ("hops_left = 256", { _ = try self.store.evictionCandidates(.relay, limit: 10) }),
            ("origin = x'01'", { _ = try self.store.held(F.key(1)) }),
            ("delivered_path = 'pigeon'", { _ = try self.store.held(F.key(1)) }),
            ("delivered_hops = -1", { _ = try self.store.held(F.key(1)) }),
            ("delivered_at = 'yesterday'", { _ = try self.store.held(F.key(1)) }),
            ("expires_at = -5", { _ = try self.store.evictionCandidates(.relay, limit: 10) }),
            // Text of the blob's length, so the size CHECK lets the damage through.
            ("envelope = 'four'", { _ = try self.store.held(F.key(1)) }),
            ("id = x'01'", { _ = try self.store.pendingHeld(for: F.address(1), now: F.time(0), afterSeq: 0, limit: 1) }),
        ]
        for (damage, read) in damages {
            try store.executeRawSQLForTesting("UPDATE custody SET \(damage)")
            XCTAssertThrowsError(try read(), damage) { assertCorrupt($0, damage) }
            try store.rollback()
            XCTAssertNoThrow(try store.held(F.key(1)), "\(damage) rolled back")
        }
        // A failed statement is an error, not a crash, and leaves the store usable.
        XCTAssertThrowsError(try store.executeRawSQLForTesting("UPDATE custody SET expires_at = NULL"))
        XCTAssertEqual(try store.custodyUsage(.relay).count, 1)
        // The byte sums read `size`, and SQLite refuses a size that is not the envelope's.
        XCTAssertThrowsError(try store.executeRawSQLForTesting("UPDATE custody SET size = 1"))
        XCTAssertThrowsError(try store.executeRawSQLForTesting("UPDATE custody SET envelope = x'00'"))
        XCTAssertEqual(try store.custodyUsage(.relay), CustodyUsage(count: 1, bytes: 4))
    }

    func testCorruptProofInboxAndIdentityRowsThrowInsteadOfTrapping() throws {
        try store.addProof(F.proof(1))
        _ = try store.addInbound(F.inbound(1))
        try store.putIdentity(F.identityRecord(1, created: 100), for: F.address(1))
        try store.commit()
        let damages: [(String, () throws -> Void)] = [
            ("UPDATE proofs SET path = 'pigeon'", { _ = try self.store.proof(F.key(1)) }),
            ("UPDATE proofs SET hops = 300", { _ = try self.store.proofs(afterSeq: 0, limit: 10) }),
            ("UPDATE proofs SET ack_secret = 'text'", { _ = try self.store.proof(F.key(1)) }),
            ("UPDATE proofs SET expires_at = -1", { _ = try self.store.proofs(afterSeq: 0, limit: 10) }),
            ("UPDATE proofs SET id = x'01'", { _ = try self.store.proofs(afterSeq: 0, limit: 10) }),
            ("UPDATE inbox SET path = 'pigeon'", { _ = try self.store.inbound(id: F.id(1)) }),
            ("UPDATE identities SET record = 'text, not a blob'", { _ = try self.store.identity(for: F.address(1)) }),
        ]
        for (damage, read) in damages {
            try store.executeRawSQLForTesting(damage)
            XCTAssertThrowsError(try read(), damage) { assertCorrupt($0, damage) }
            try store.rollback()
        }
        // A damaged identity row does not lock the peer out: its next valid record replaces it.
        try store.executeRawSQLForTesting("UPDATE identities SET record = 'text, not a blob'")
        let record = F.identityRecord(1, created: 1)
        XCTAssertTrue(try store.putIdentity(record, for: F.address(1)))
        XCTAssertEqual(try store.identity(for: F.address(1)), record)
    }

    func testHousekeepingRemovesRowsWhoseKeysAreDamagedInsteadOfStoppingAtThem() throws {
        for n: UInt8 in 1...3 { _ = try store.hold(F.held(n, kind: .relay, from: 5, expires: 100)) }
        for n: UInt8 in 1...3 { try store.addProof(F.proof(n, expires: 100)) }
        for n: UInt8 in 4...6 { try store.addProof(F.proof(n, expires: 200)) }
        try store.executeRawSQLForTesting("UPDATE custody SET id = x'02' WHERE seq = 2")
        try store.executeRawSQLForTesting("UPDATE proofs SET id = x'02' WHERE seq IN (2, 5)")

        XCTAssertEqual(
            try store.expireHeld(before: F.time(1_000), deliveredBefore: F.time(0)), [F.key(1), F.key(3)],
            "the damaged row goes unreported")
        XCTAssertEqual(try store.custodyUsage(.relay), CustodyUsage(), "and is gone")
        XCTAssertEqual(try store.purgeProofs(before: F.time(100)), [F.key(1), F.key(3)])
        XCTAssertEqual(try store.trimProofs(keep: 0), [F.key(4), F.key(6)])
        XCTAssertEqual(try store.proofCount(), 0)
        try store.commit()
    }

    func testTimestampsBeyondInt64AreClampedAndStillNeverExpire() throws {
        var forever = F.held(1)
        forever.expiresAt = Timestamp(milliseconds: .max)
        _ = try store.hold(forever)
        try store.addProof(StoredProof(
            id: F.id(2), ackSecret: [2], ackHash: F.ackHash(2), expiresAt: Timestamp(milliseconds: .max), hops: 1,
            path: .direct))
        let now = F.time(1_700_000_000_000)
        XCTAssertEqual(try store.pendingHeld(for: F.address(1), now: now, afterSeq: 0, limit: 1).map(\.id), [F.id(1)])
        XCTAssertEqual(try store.expireHeld(before: now, deliveredBefore: now), [])
        XCTAssertEqual(try store.purgeProofs(before: now), [])
        XCTAssertEqual(try store.held(F.key(1))?.expiresAt, Timestamp(milliseconds: UInt64(Int64.max)))
        XCTAssertEqual(try store.proof(F.key(2))?.expiresAt, Timestamp(milliseconds: UInt64(Int64.max)))
    }
}
