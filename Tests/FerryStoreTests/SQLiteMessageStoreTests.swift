@testable import FerrySQLite
import FerryStore
import FerryWire
import Foundation
import XCTest

/// What only the SQLite store promises: durability across reopen, group commit, WAL, safe opening.
final class SQLiteMessageStoreTests: XCTestCase {
    private typealias F = Fixture
    private var directory: TemporaryDirectory!
    private var path: String { directory.databasePath }

    override func setUpWithError() throws {
        try super.setUpWithError()
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory.remove()
        super.tearDown()
    }

    func testCommittedDataSurvivesCloseAndReopen() throws {
        let store = try SQLiteMessageStore(path: path)
        try store.addOutbound(F.outbound(1))
        try store.addOutbound(F.outbound(2))
        try store.markDelivered(id: F.id(2), at: F.time(3_000))
        let inbound = try XCTUnwrap(try store.addInbound(F.inbound(1)))
        try store.markSeen(id: F.id(9), ackHash: F.ackHash(9), until: F.time(9_000))
        let record = F.identityRecord(4, created: 100)
        try store.putIdentity(record, for: F.address(4))
        try store.commit()
        try store.close()

        let reopened = try SQLiteMessageStore(path: path)
        XCTAssertEqual(try reopened.outbound(id: F.id(1)), F.stored(F.outbound(1), seq: 1))
        XCTAssertEqual(try reopened.outbound(id: F.id(2))?.deliveredAt, F.time(3_000))
        XCTAssertEqual(try reopened.inbound(id: F.id(1)), [inbound])
        XCTAssertTrue(try reopened.isSeen(id: F.id(9), ackHash: F.ackHash(9)))
        XCTAssertEqual(try reopened.identity(for: F.address(4)), record)
        XCTAssertEqual(try reopened.addInbound(F.inbound(2))?.seq, inbound.seq + 1, "seq continues")
        try reopened.close()
    }

    func testCloseCommitsPendingWrites() throws {
        let store = try SQLiteMessageStore(path: path)
        try store.addOutbound(F.outbound(1))
        try store.close()
        try store.close()  // closing twice does nothing

        let reopened = try SQLiteMessageStore(path: path)
        XCTAssertNotNil(try reopened.outbound(id: F.id(1)))
        try reopened.close()
    }

    func testUncommittedWritesAreInvisibleToAnotherConnection() throws {
        let writer = try SQLiteMessageStore(path: path)
        try writer.addOutbound(F.outbound(1))
        try writer.commit()
        try writer.addOutbound(F.outbound(2))
        try writer.markDelivered(id: F.id(1), at: F.time(3_000))
        XCTAssertNotNil(try writer.outbound(id: F.id(2)), "the writer reads its own uncommitted writes")

        let other = try SQLiteMessageStore(path: path)
        XCTAssertNotNil(try other.outbound(id: F.id(1)))
        XCTAssertNil(try other.outbound(id: F.id(1))?.deliveredAt)
        XCTAssertNil(try other.outbound(id: F.id(2)))

        try writer.commit()
        XCTAssertNotNil(try other.outbound(id: F.id(2)), "visible once committed")
        try other.close()
        try writer.close()
    }

    func testDroppingTheStoreWithoutCommitLosesOnlyTheUncommittedGroup() throws {
        do {
            let store = try SQLiteMessageStore(path: path)
            try store.addOutbound(F.outbound(1))
            try store.commit()
            try store.addOutbound(F.outbound(2))
            _ = try store.addInbound(F.inbound(1))
            // Dropped here without commit() or close().
        }
        let reopened = try SQLiteMessageStore(path: path)
        XCTAssertNotNil(try reopened.outbound(id: F.id(1)))
        XCTAssertNil(try reopened.outbound(id: F.id(2)))
        XCTAssertEqual(try reopened.counts(), StoreCounts(outboxPending: 1))
        try reopened.addOutbound(F.outbound(2))  // the write lock was released
        try reopened.close()
    }

    func testKill9KeepsCommittedWritesAndLosesUncommittedOnes() throws {
        let reachedPath = directory.url.appendingPathComponent("reached").path
        let child = try CrashChild.run(databasePath: path, reachedPath: reachedPath, logDirectory: directory.url)
        XCTAssertEqual(child.reason, .uncaughtSignal, "child should die by SIGKILL; log:\n\(child.log)")
        XCTAssertEqual(child.status, SIGKILL, "log:\n\(child.log)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: reachedPath), "child did not reach its writes")

        let store = try SQLiteMessageStore(path: path)
        XCTAssertEqual(try store.outbound(id: F.id(1)), F.stored(F.outbound(1), seq: 1), "committed before the kill")
        XCTAssertNil(try store.outbound(id: F.id(2)), "added after the last commit")
        XCTAssertEqual(try store.inbound(id: F.id(1)), [], "added after the last commit")
        try store.close()
    }

    func testOutboxSeqIsNeverReusedAcrossReopen() throws {
        let store = try SQLiteMessageStore(path: path)
        try store.addOutbound(F.outbound(1))
        try store.addOutbound(F.outbound(2))
        try store.addOutbound(F.outbound(3, expires: 100))
        try store.commit()
        XCTAssertEqual(try store.expireOutbound(before: F.time(1_000)), 1)
        try store.close()

        let reopened = try SQLiteMessageStore(path: path)
        try reopened.addOutbound(F.outbound(4))
        XCTAssertGreaterThan(try XCTUnwrap(try reopened.outbound(id: F.id(4))).seq, 3, "seq 3 was handed out before")
        try reopened.close()
    }

    func testV2MigrationKeepsV1RowsAndNeverReusesTheirSeqs() throws {
        let old = try SQLiteMessageStore(path: path, migratingUpTo: "v1")
        XCTAssertEqual(try old.appliedMigrations(), ["v1"])
        // Rows as a v1 node wrote them: outbox seq 1…3, inbox seq 1…3 with the newest deleted (so
        // AUTOINCREMENT's high-water mark, 3, is above MAX(seq), 2), a seen id and an identity.
        for n: UInt8 in 1...3 {
            try old.executeRawSQLForTesting("""
                INSERT INTO outbox (id, seq, destination, kind, envelope, ack_hash, created_at, expires_at)
                VALUES (\(hex(F.id(n).bytes)), \(n), \(hex(F.address(1).bytes)), 1, x'01', \(hex(F.ackHash(n))),
                        1000, 10000)
                """)
            let message = F.inbound(n)
            try old.executeRawSQLForTesting("""
                INSERT INTO inbox (id, from_address, content_type, body, sent_at, received_at, path, hops,
                                   ack_secret, expires_at)
                VALUES (\(hex(message.id.bytes)), \(hex(message.from.bytes)), 1, \(hex(message.body)),
                        \(message.sentAt.milliseconds), \(message.receivedAt.milliseconds), 'direct', \(message.hops),
                        \(hex(message.ackSecret)), \(message.expiresAt.milliseconds))
                """)
        }
        try old.executeRawSQLForTesting("DELETE FROM inbox WHERE seq = 3")
        try old.executeRawSQLForTesting("INSERT INTO seen (id, until) VALUES (\(hex(F.id(9).bytes)), 9000)")
        let record = F.identityRecord(4, created: 100)
        try old.executeRawSQLForTesting(
            "INSERT INTO identities (address, record, updated) VALUES (\(hex(F.address(4).bytes)), \(hex(record)), 0)")
        try old.close()

        let store = try SQLiteMessageStore(path: path)
        XCTAssertEqual(try store.appliedMigrations(), ["v1", "v2"])
        for n: UInt8 in 1...2 {
            var expected = F.inbound(n)
            expected.seq = Int64(n)
            XCTAssertEqual(try store.inbound(id: F.id(n)), [expected], "inbox row \(n) kept with its seq")
        }
        XCTAssertEqual(try store.outbound(id: F.id(3))?.seq, 3)
        XCTAssertEqual(try store.identity(for: F.address(4)), record)
        // Seen ids of v1 were keyed on the id alone and only deduplicated receipts; v2 starts afresh.
        XCTAssertFalse(try store.isSeen(id: F.id(9), ackHash: F.ackHash(9)))

        try store.addOutbound(F.outbound(4))
        XCTAssertEqual(try store.outbound(id: F.id(4))?.seq, 4, "the counter starts after MAX(seq)")
        XCTAssertEqual(try store.addInbound(F.inbound(4))?.seq, 4, "inbox seq 3 was handed out under v1")
        XCTAssertNotNil(try store.addInbound(F.inbound(1, secret: 0xEE)), "uniqueness is on (id, ack secret) now")
        XCTAssertEqual(try store.inbound(id: F.id(1)).count, 2)
        try store.close()
    }

    func testJournalModeIsWALAndSynchronousIsFull() throws {
        let store = try SQLiteMessageStore(path: path)
        XCTAssertEqual(try store.journalMode(), "wal")
        XCTAssertEqual(try store.synchronousLevel(), 2)
        try store.close()
    }

    func testOpeningAFileThatIsNotADatabaseThrowsCorrupt() throws {
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SQLiteMessageStore(path: path)) { error in
            guard case .corrupt(let what)? = error as? StoreError else {
                return XCTFail("expected StoreError.corrupt, got \(error)")
            }
            XCTAssertTrue(what.contains(self.path), what)
        }
    }

    func testOpeningADatabaseWithDamagedPagesThrowsCorruptAndSaysWhatToDo() throws {
        let store = try SQLiteMessageStore(path: path)
        for n: UInt8 in 1...120 { _ = try store.addInbound(F.inbound(n, body: [UInt8](repeating: n, count: 2_000))) }
        try store.commit()
        let pageBytes = try store.pageSizeBytes()
        try store.close()  // the last connection checkpoints the log into the file

        let healthy = directory.url.appendingPathComponent("healthy.sqlite").path
        try FileManager.default.copyItem(atPath: path, toPath: healthy)
        let copy = try SQLiteMessageStore(path: healthy)
        XCTAssertEqual(try copy.counts().inbox, 120, "an undamaged file opens")
        try copy.close()

        // Three pages in the middle of the file (inbox rows, which opening never reads) become garbage,
        // as after a bad sector or a torn copy.
        let file = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        let size = try file.seekToEnd()
        XCTAssertGreaterThan(size, UInt64(pageBytes * 40), "the test needs a file of many pages")
        try file.seek(toOffset: (size / 2) / UInt64(pageBytes) * UInt64(pageBytes))
        try file.write(contentsOf: Data(repeating: 0x42, count: pageBytes * 3))
        try file.close()

        XCTAssertThrowsError(try SQLiteMessageStore(path: path), "a damaged file must not be served from") { error in
            guard case .corrupt(let what)? = error as? StoreError else {
                return XCTFail("expected StoreError.corrupt, got \(error)")
            }
            let text = (error as? StoreError)?.description ?? ""
            XCTAssertTrue(what.contains(self.path), text)
            XCTAssertTrue(text.contains("backup") && text.contains("aside"), "says what to do: \(text)")
            XCTAssertFalse(text.contains("\n"), "one line: \(text)")
        }
    }

    func testDatabaseFilesAreReadableOnlyByTheOwner() throws {
        let store = try SQLiteMessageStore(path: path)
        try store.addOutbound(F.outbound(1))
        try store.commit()
        for file in [path, path + "-wal", path + "-shm"] {
            XCTAssertEqual(try mode(of: file), 0o600, file)
        }
        try store.close()

        // A file an older ferry left readable by others is restricted on the next open.
        XCTAssertEqual(chmod(path, 0o644), 0)
        let reopened = try SQLiteMessageStore(path: path)
        try reopened.addOutbound(F.outbound(2))
        try reopened.commit()
        for file in [path, path + "-wal", path + "-shm"] {
            XCTAssertEqual(try mode(of: file), 0o600, file)
        }
        try reopened.close()
    }

    func testOpeningInAMissingDirectoryThrows() {
        let missing = directory.url.appendingPathComponent("no/such/dir/store.sqlite").path
        XCTAssertThrowsError(try SQLiteMessageStore(path: missing))
    }

    func testMigrationsRunOnceAndReopeningIsIdempotent() throws {
        for round in 1...3 {
            let store = try SQLiteMessageStore(path: path)
            XCTAssertEqual(try store.appliedMigrations(), ["v1", "v2"])
            try store.addOutbound(F.outbound(UInt8(round)))
            try store.close()
        }
        let store = try SQLiteMessageStore(path: path)
        XCTAssertEqual(try store.counts().outboxPending, 3)
        try store.close()
    }

    func testCorruptRowsThrowInsteadOfTrapping() throws {
        let store = try SQLiteMessageStore(path: path)
        try store.addOutbound(F.outbound(1))
        _ = try store.addInbound(F.inbound(1))
        try store.putIdentity(F.identityRecord(1, created: 100), for: F.address(1))
        try store.executeRawSQLForTesting("UPDATE outbox SET destination = x'0102'")
        try store.executeRawSQLForTesting("UPDATE inbox SET path = 'pigeon'")
        try store.executeRawSQLForTesting("UPDATE identities SET record = 'text, not a blob'")

        XCTAssertThrowsError(try store.outbound(id: F.id(1))) { assertCorrupt($0) }
        XCTAssertThrowsError(try store.inbound(id: F.id(1))) { assertCorrupt($0) }
        XCTAssertThrowsError(try store.identity(for: F.address(1))) { assertCorrupt($0) }

        try store.executeRawSQLForTesting("UPDATE outbox SET destination = x'\(String(repeating: "0d", count: 15))01'")
        try store.executeRawSQLForTesting("UPDATE outbox SET kind = 99")
        XCTAssertThrowsError(try store.outbound(id: F.id(1))) { assertCorrupt($0) }
        XCTAssertThrowsError(try store.pendingOutbound(to: F.address(1), now: F.time(0), limit: 1)) { assertCorrupt($0) }
        try store.executeRawSQLForTesting("UPDATE outbox SET kind = 1, expires_at = -5")
        XCTAssertThrowsError(try store.outbound(id: F.id(1))) { assertCorrupt($0) }
        // A failed statement is an error, not a crash, and leaves the store usable.
        XCTAssertThrowsError(try store.executeRawSQLForTesting("UPDATE outbox SET expires_at = NULL"))
        XCTAssertEqual(try store.counts().inbox, 1)
        // A damaged identity row does not lock the peer out: its next valid record replaces it.
        let record = F.identityRecord(1, created: 1)
        XCTAssertTrue(try store.putIdentity(record, for: F.address(1)))
        XCTAssertEqual(try store.identity(for: F.address(1)), record)
        try store.close()
    }

    func testTimestampsBeyondInt64AreClampedAndStillNeverExpire() throws {
        let store = try SQLiteMessageStore(path: path)
        var forever = F.outbound(1)
        forever.expiresAt = Timestamp(milliseconds: .max)
        try store.addOutbound(forever)
        let now = F.time(1_700_000_000_000)
        XCTAssertEqual(try store.pendingOutbound(to: F.address(1), now: now, limit: 1).map(\.id), [F.id(1)])
        XCTAssertEqual(try store.expireOutbound(before: now), 0)
        XCTAssertEqual(try store.outbound(id: F.id(1))?.expiresAt, Timestamp(milliseconds: UInt64(Int64.max)))
        try store.close()
    }

    func testAGroupRolledBackBehindTheStoresBackIsReportedNotSilentlyDropped() throws {
        let store = try SQLiteMessageStore(path: path)
        try store.addOutbound(F.outbound(1))
        // What SQLite does on its own after SQLITE_FULL or SQLITE_IOERR mid-group.
        try store.executeRawSQLForTesting("ROLLBACK")
        XCTAssertThrowsError(try store.commit()) { XCTAssertEqual($0 as? SQLiteStoreError, .uncommittedWritesLost) }
        // Reported once; the store then works normally.
        try store.addOutbound(F.outbound(2))
        try store.commit()
        XCTAssertNil(try store.outbound(id: F.id(1)))
        XCTAssertNotNil(try store.outbound(id: F.id(2)))

        try store.addOutbound(F.outbound(3))
        try store.executeRawSQLForTesting("ROLLBACK")
        XCTAssertThrowsError(try store.addOutbound(F.outbound(4))) {
            XCTAssertEqual($0 as? SQLiteStoreError, .uncommittedWritesLost, "the next write reports it too")
        }
        try store.close()
    }

    func testDiskFullIsReportedAndTheStoreRecoversAfterRollback() throws {
        let store = try SQLiteMessageStore(path: path)
        try store.addOutbound(F.outbound(1))
        let committed = try XCTUnwrap(try store.addInbound(F.inbound(1)))
        try store.commit()
        // From here the file may not grow: a write that needs a page fails as on a full disk.
        try store.setMaxPageCountForTesting(try store.pageCount())
        var failure: Error?
        for n: UInt8 in 2...50 where failure == nil {
            do { _ = try store.addInbound(F.inbound(n, body: [UInt8](repeating: n, count: 4_096))) } catch { failure = error }
        }
        XCTAssertEqual(failure as? StoreError, .diskFull(path), "got \(String(describing: failure))")
        XCTAssertThrowsError(try store.commit(), "a group the disk refused must not be committed") {
            XCTAssertEqual($0 as? StoreError, .diskFull(path))
        }
        try store.rollback()

        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 1, inbox: 1), "nothing committed was lost")
        XCTAssertEqual(try store.inbox(afterSeq: 0, limit: 100), [committed])
        XCTAssertEqual(try store.outbound(id: F.id(1)), F.stored(F.outbound(1), seq: 1))
        try store.commit()  // nothing left to commit, and no error left behind

        try store.setMaxPageCountForTesting(1 << 30)  // space is back
        try store.addOutbound(F.outbound(2))
        XCTAssertNotNil(try store.addInbound(F.inbound(2, body: [UInt8](repeating: 2, count: 4_096))))
        try store.commit()
        try store.close()
        let reopened = try SQLiteMessageStore(path: path)
        XCTAssertEqual(try reopened.counts(), StoreCounts(outboxPending: 2, inbox: 2))
        try reopened.close()
    }

    func testDiskFullSaysWhatToDoInOneLine() {
        let text = StoreError.diskFull("/var/lib/ferry/ferry.db").description
        XCTAssertTrue(text.contains("/var/lib/ferry/ferry.db") && text.contains("full") && text.contains("free space"), text)
        XCTAssertFalse(text.contains("\n"))
    }

    func testRollbackAfterSQLiteRolledBackOnItsOwnLeavesTheStoreWorking() throws {
        let store = try SQLiteMessageStore(path: path)
        try store.addOutbound(F.outbound(1))
        try store.commit()
        try store.addOutbound(F.outbound(2))
        // What SQLite may do by itself after SQLITE_FULL or SQLITE_IOERR mid-group.
        try store.executeRawSQLForTesting("ROLLBACK")
        try store.rollback()
        try store.addOutbound(F.outbound(3))
        try store.commit()  // no `uncommittedWritesLost`: the caller already discarded the group
        XCTAssertNil(try store.outbound(id: F.id(2)))
        XCTAssertEqual(try store.counts().outboxPending, 2)
        try store.close()
    }

    func testUsingAClosedStoreThrows() throws {
        let store = try SQLiteMessageStore(path: path)
        try store.close()
        XCTAssertThrowsError(try store.counts()) { XCTAssertEqual($0 as? SQLiteStoreError, .closed) }
        XCTAssertThrowsError(try store.addOutbound(F.outbound(1))) { XCTAssertEqual($0 as? SQLiteStoreError, .closed) }
    }

    /// The permission bits of `file`.
    private func mode(of file: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        return try XCTUnwrap(attributes[.posixPermissions] as? Int) & 0o777
    }

    /// `bytes` as an SQL blob literal.
    private func hex(_ bytes: [UInt8]) -> String {
        "x'" + bytes.map { String(format: "%02x", $0) }.joined() + "'"
    }

    private func assertCorrupt(_ error: Error, file: StaticString = #filePath, line: UInt = #line) {
        guard case .corrupt? = error as? StoreError else {
            return XCTFail("expected StoreError.corrupt, got \(error)", file: file, line: line)
        }
    }
}
