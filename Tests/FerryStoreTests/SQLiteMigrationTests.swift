@testable import FerrySQLite
import FerryStore
import FerryWire
import Foundation
import XCTest

/// Files an older ferry left, opened by this one: each migration keeps what it must and numbers
/// nothing twice. The old files are built with `init(path:migratingUpTo:)` and raw SQL, as the old
/// code wrote them.
final class SQLiteMigrationTests: XCTestCase {
    private typealias F = Fixture
    private var directory: TemporaryDirectory!
    private var path: String { directory.databasePath }
    private let currentTables = ["counters", "custody", "grdb_migrations", "identities", "inbox", "proofs"]

    override func setUpWithError() throws {
        try super.setUpWithError()
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory.remove()
        super.tearDown()
    }

    func testV3MovesOwnMessagesIntoCustodyAndDropsReceiptsAndSeenIDs() throws {
        let old = try SQLiteMessageStore(path: path, migratingUpTo: "v2")
        XCTAssertEqual(try old.appliedMigrations(), ["v1", "v2"])
        let pending = envelope(1, to: 1, hopsLeft: 5, copies: 3)
        let later = envelope(4, to: 2, hopsLeft: 6, copies: 2)
        // A pending message, a receipt, a delivered message whose envelope no longer decodes, and a
        // message whose seq is above two that v2 already removed (its counter stands at 7).
        try insertV2Outbox(old, seq: 1, n: 1, to: 1, kind: 1, envelope: pending.encoded())
        try insertV2Outbox(old, seq: 2, n: 2, to: 2, kind: 2, envelope: [0x02])
        try insertV2Outbox(old, seq: 3, n: 3, to: 1, kind: 1, envelope: [0x01], delivered: 3_000)
        try insertV2Outbox(old, seq: 5, n: 4, to: 2, kind: 1, envelope: later.encoded())
        try old.executeRawSQLForTesting("UPDATE counters SET value = 7 WHERE name = 'outbox_seq'")
        try old.executeRawSQLForTesting(
            "INSERT INTO seen (id, ack_hash, until) VALUES (\(sqlBlob(F.id(9).bytes)), \(sqlBlob(F.ackHash(9))), 9000)")
        let inbound = try XCTUnwrap(try old.addInbound(F.inbound(1)))
        try old.close()

        let store = try SQLiteMessageStore(path: path)
        XCTAssertEqual(try store.appliedMigrations(), ["v1", "v2", "v3"])
        XCTAssertEqual(try store.tableNames(), currentTables, "outbox and seen are gone")
        XCTAssertEqual(
            try store.held(F.key(1)),
            HeldMessage(
                seq: 1, id: F.id(1), ackHash: F.ackHash(1), kind: .own, destination: F.address(1),
                envelope: pending.encoded(), copies: 3, hopsLeft: 5, createdAt: F.time(1_000),
                expiresAt: F.time(10_000), receivedAt: F.time(1_000), origin: nil),
            "hops and copies come from the envelope")
        XCTAssertEqual(try store.held(id: F.id(2)), [], "receipts are not messages any more")
        XCTAssertEqual(
            try store.held(F.key(3)),
            HeldMessage(
                seq: 3, id: F.id(3), ackHash: F.ackHash(3), kind: .own, destination: F.address(1), envelope: [0x01],
                copies: Schema.migratedCopiesDefault, hopsLeft: Schema.migratedHopsLeftDefault,
                createdAt: F.time(1_000), expiresAt: F.time(10_000), receivedAt: F.time(1_000), origin: nil,
                deliveredAt: F.time(3_000), deliveredPath: .direct, deliveredHops: 1),
            "delivered stays delivered, directly (v2 had no other path); defaults where the envelope is unreadable")
        XCTAssertEqual(try store.held(F.key(4))?.copies, 2)
        XCTAssertEqual(try store.ownPending(limit: 10).map(\.seq), [1, 5])
        XCTAssertEqual(
            try store.pendingHeld(for: F.address(2), now: F.time(2_000), afterSeq: 1, limit: 10).map(\.id), [F.id(4)])
        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 2, outboxDelivered: 1, inbox: 1))
        XCTAssertEqual(try store.inbound(id: F.id(1)), [inbound])

        XCTAssertEqual(try store.hold(F.held(6))?.seq, 8, "the custody counter continues v2's outbox counter")
        try store.addProof(F.proof(9))
        XCTAssertEqual(try store.proof(F.key(9))?.seq, 1)
        try store.close()
    }

    func testAV1FileMigratesThroughV2ToV3KeepingRowsAndSeqs() throws {
        let old = try SQLiteMessageStore(path: path, migratingUpTo: "v1")
        XCTAssertEqual(try old.appliedMigrations(), ["v1"])
        // Rows as a v1 node wrote them: outbox seq 1…3, inbox seq 1…3 with the newest deleted (so
        // AUTOINCREMENT's high-water mark, 3, is above MAX(seq), 2), a seen id and an identity.
        for n: UInt8 in 1...3 {
            try old.executeRawSQLForTesting("""
                INSERT INTO outbox (id, seq, destination, kind, envelope, ack_hash, created_at, expires_at)
                VALUES (\(sqlBlob(F.id(n).bytes)), \(n), \(sqlBlob(F.address(1).bytes)), 1,
                        \(sqlBlob(envelope(n, to: 1, hopsLeft: n, copies: 1).encoded())), \(sqlBlob(F.ackHash(n))),
                        1000, 10000)
                """)
            let message = F.inbound(n)
            try old.executeRawSQLForTesting("""
                INSERT INTO inbox (id, from_address, content_type, body, sent_at, received_at, path, hops,
                                   ack_secret, expires_at)
                VALUES (\(sqlBlob(message.id.bytes)), \(sqlBlob(message.from.bytes)), 1, \(sqlBlob(message.body)),
                        \(message.sentAt.milliseconds), \(message.receivedAt.milliseconds), 'direct', \(message.hops),
                        \(sqlBlob(message.ackSecret)), \(message.expiresAt.milliseconds))
                """)
        }
        try old.executeRawSQLForTesting("DELETE FROM inbox WHERE seq = 3")
        try old.executeRawSQLForTesting("INSERT INTO seen (id, until) VALUES (\(sqlBlob(F.id(9).bytes)), 9000)")
        let record = F.identityRecord(4, created: 100)
        try old.executeRawSQLForTesting(
            "INSERT INTO identities (address, record, updated) VALUES (\(sqlBlob(F.address(4).bytes)), \(sqlBlob(record)), 0)")
        try old.close()

        let store = try SQLiteMessageStore(path: path)
        XCTAssertEqual(try store.appliedMigrations(), ["v1", "v2", "v3"])
        XCTAssertEqual(try store.tableNames(), currentTables)
        for n: UInt8 in 1...2 {
            var expected = F.inbound(n)
            expected.seq = Int64(n)
            XCTAssertEqual(try store.inbound(id: F.id(n)), [expected], "inbox row \(n) kept with its seq")
        }
        XCTAssertEqual(try store.ownPending(limit: 10).map(\.seq), [1, 2, 3], "outbox rows kept with their seqs")
        XCTAssertEqual(try store.ownPending(limit: 10).map(\.hopsLeft), [1, 2, 3])
        XCTAssertEqual(try store.identity(for: F.address(4)), record)

        XCTAssertEqual(try store.hold(F.held(4))?.seq, 4, "the counter starts after MAX(seq)")
        XCTAssertEqual(try store.addInbound(F.inbound(4))?.seq, 4, "inbox seq 3 was handed out under v1")
        XCTAssertNotNil(try store.addInbound(F.inbound(1, secret: 0xEE)), "uniqueness is on (id, ack secret) now")
        XCTAssertEqual(try store.inbound(id: F.id(1)).count, 2)
        try store.close()
    }

    func testMigrationsRunOnceAndReopeningIsIdempotent() throws {
        for round in 1...3 {
            let store = try SQLiteMessageStore(path: path)
            XCTAssertEqual(try store.appliedMigrations(), ["v1", "v2", "v3"])
            _ = try store.hold(F.held(UInt8(round)))
            try store.addProof(F.proof(UInt8(round)))
            try store.close()
        }
        let store = try SQLiteMessageStore(path: path)
        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 3, proofs: 3))
        XCTAssertEqual(try store.ownPending(limit: 10).map(\.seq), [1, 2, 3])
        try store.close()
    }

    /// An encoded envelope for message `n` (the sealed body is filler: the store never opens it).
    private func envelope(_ n: UInt8, to destination: UInt8, hopsLeft: UInt8, copies: UInt16) -> Envelope {
        Envelope(
            id: F.id(n), destination: F.address(destination), created: F.time(1_000), expires: F.time(10_000),
            ackHash: F.ackHash(n), hopsLeft: hopsLeft, copies: copies, sealed: [n, n, n])
    }

    /// An outbox row as a v2 node wrote it.
    private func insertV2Outbox(
        _ store: SQLiteMessageStore, seq: Int64, n: UInt8, to destination: UInt8, kind: Int, envelope: [UInt8],
        delivered: UInt64? = nil
    ) throws {
        try store.executeRawSQLForTesting("""
            INSERT INTO outbox (id, seq, destination, kind, envelope, ack_hash, created_at, expires_at,
                                delivered_at, receipt_at, opened_at)
            VALUES (\(sqlBlob(F.id(n).bytes)), \(seq), \(sqlBlob(F.address(destination).bytes)), \(kind),
                    \(sqlBlob(envelope)), \(sqlBlob(F.ackHash(n))), 1000, 10000,
                    \(delivered.map(String.init) ?? "NULL"), \(delivered.map { String($0 + 100) } ?? "NULL"),
                    \(delivered.map { String($0 + 50) } ?? "NULL"))
            """)
    }
}
