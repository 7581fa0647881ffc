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
        let own = try XCTUnwrap(try store.hold(F.held(1)))
        _ = try store.hold(F.held(2))
        try store.markDelivered(F.key(2), at: F.time(3_000), path: .mesh, hops: 3)
        let delivered = try XCTUnwrap(try store.held(F.key(2)))
        let relay = try XCTUnwrap(try store.hold(F.held(3, kind: .relay, to: 2, from: 5, copies: 8)))
        let mailbox = try XCTUnwrap(try store.hold(F.held(4, kind: .mailbox, to: 3, from: 6)))
        try store.addProof(F.proof(9))
        let proof = try XCTUnwrap(try store.proof(F.key(9)))
        let inbound = try XCTUnwrap(try store.addInbound(F.inbound(1)))
        let record = F.identityRecord(4, created: 100)
        try store.putIdentity(record, for: F.address(4))
        try store.commit()
        try store.close()

        let reopened = try SQLiteMessageStore(path: path)
        XCTAssertEqual(try reopened.pendingHeld(now: F.time(0), afterSeq: 0, limit: 10), [own, relay, mailbox])
        XCTAssertEqual(try reopened.held(F.key(2)), delivered)
        XCTAssertEqual(try reopened.proof(F.key(9)), proof)
        XCTAssertEqual(try reopened.inbound(id: F.id(1)), [inbound])
        XCTAssertEqual(try reopened.identity(for: F.address(4)), record)
        XCTAssertEqual(try reopened.addInbound(F.inbound(2))?.seq, inbound.seq + 1, "seq continues")
        XCTAssertEqual(try reopened.hold(F.held(5))?.seq, mailbox.seq + 1, "custody seq continues")
        try reopened.addProof(F.proof(10))
        XCTAssertEqual(try reopened.proof(F.key(10))?.seq, proof.seq + 1, "proof seq continues")
        try reopened.close()
    }

    func testCloseCommitsPendingWrites() throws {
        let store = try SQLiteMessageStore(path: path)
        _ = try store.hold(F.held(1))
        try store.addProof(F.proof(2))
        try store.close()
        try store.close()  // closing twice does nothing

        let reopened = try SQLiteMessageStore(path: path)
        XCTAssertNotNil(try reopened.held(F.key(1)))
        XCTAssertNotNil(try reopened.proof(F.key(2)))
        try reopened.close()
    }

    func testUncommittedWritesAreInvisibleToAnotherConnection() throws {
        let writer = try SQLiteMessageStore(path: path)
        _ = try writer.hold(F.held(1))
        try writer.commit()
        _ = try writer.hold(F.held(2))
        try writer.markDelivered(F.key(1), at: F.time(3_000), path: .direct, hops: 1)
        try writer.addProof(F.proof(3))
        XCTAssertNotNil(try writer.held(F.key(2)), "the writer reads its own uncommitted writes")

        let other = try SQLiteMessageStore(path: path)
        XCTAssertNotNil(try other.held(F.key(1)))
        XCTAssertNil(try other.held(F.key(1))?.deliveredAt)
        XCTAssertNil(try other.held(F.key(2)))
        XCTAssertNil(try other.proof(F.key(3)))

        try writer.commit()
        XCTAssertNotNil(try other.held(F.key(2)), "visible once committed")
        XCTAssertNotNil(try other.proof(F.key(3)))
        try other.close()
        try writer.close()
    }

    func testDroppingTheStoreWithoutCommitLosesOnlyTheUncommittedGroup() throws {
        do {
            let store = try SQLiteMessageStore(path: path)
            _ = try store.hold(F.held(1))
            try store.commit()
            _ = try store.hold(F.held(2))
            try store.addProof(F.proof(3))
            _ = try store.addInbound(F.inbound(1))
            // Dropped here without commit() or close().
        }
        let reopened = try SQLiteMessageStore(path: path)
        XCTAssertNotNil(try reopened.held(F.key(1)))
        XCTAssertNil(try reopened.held(F.key(2)))
        XCTAssertEqual(try reopened.counts(), StoreCounts(outboxPending: 1))
        XCTAssertNotNil(try reopened.hold(F.held(2)))  // the write lock was released
        try reopened.close()
    }

    func testKill9KeepsCommittedWritesAndLosesUncommittedOnes() throws {
        let reachedPath = directory.url.appendingPathComponent("reached").path
        let child = try CrashChild.run(databasePath: path, reachedPath: reachedPath, logDirectory: directory.url)
        XCTAssertEqual(child.reason, .uncaughtSignal, "child should die by SIGKILL; log:\n\(child.log)")
        XCTAssertEqual(child.status, SIGKILL, "log:\n\(child.log)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: reachedPath), "child did not reach its writes")

        let store = try SQLiteMessageStore(path: path)
        XCTAssertEqual(try store.held(F.key(1)), F.stored(F.held(1), seq: 1), "committed before the kill, undelivered")
        XCTAssertEqual(try store.proof(F.key(1)), F.stored(F.proof(1), seq: 1), "committed before the kill")
        XCTAssertNil(try store.held(F.key(2)), "held after the last commit")
        XCTAssertNil(try store.proof(F.key(2)), "added after the last commit")
        XCTAssertEqual(try store.inbound(id: F.id(1)), [], "added after the last commit")
        try store.close()
    }

    func testCustodyAndProofSeqsAreNeverReusedAcrossReopen() throws {
        let store = try SQLiteMessageStore(path: path)
        _ = try store.hold(F.held(1))
        _ = try store.hold(F.held(2, kind: .relay, from: 5))
        _ = try store.hold(F.held(3, kind: .relay, from: 5, expires: 100))
        try store.addProof(F.proof(1))
        try store.addProof(F.proof(2))
        try store.addProof(F.proof(3, expires: 100))
        try store.commit()
        XCTAssertEqual(try store.expireHeld(before: F.time(1_000), deliveredBefore: F.time(0)), [F.key(3)])
        XCTAssertEqual(try store.purgeProofs(before: F.time(1_000)), [F.key(3)])
        try store.close()

        let reopened = try SQLiteMessageStore(path: path)
        XCTAssertGreaterThan(try XCTUnwrap(try reopened.hold(F.held(4))).seq, 3, "custody seq 3 was handed out before")
        try reopened.addProof(F.proof(4))
        XCTAssertGreaterThan(try XCTUnwrap(try reopened.proof(F.key(4))).seq, 3, "proof seq 3 was handed out before")
        try reopened.close()
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
        _ = try store.hold(F.held(1))
        try store.commit()
        for file in [path, path + "-wal", path + "-shm"] {
            XCTAssertEqual(try mode(of: file), 0o600, file)
        }
        try store.close()

        // A file an older ferry left readable by others is restricted on the next open.
        XCTAssertEqual(chmod(path, 0o644), 0)
        let reopened = try SQLiteMessageStore(path: path)
        try reopened.addProof(F.proof(2))
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

    func testAGroupRolledBackBehindTheStoresBackIsReportedNotSilentlyDropped() throws {
        let store = try SQLiteMessageStore(path: path)
        _ = try store.hold(F.held(1))
        // What SQLite does on its own after SQLITE_FULL or SQLITE_IOERR mid-group.
        try store.executeRawSQLForTesting("ROLLBACK")
        XCTAssertThrowsError(try store.commit()) { XCTAssertEqual($0 as? SQLiteStoreError, .uncommittedWritesLost) }
        // Reported once; the store then works normally.
        _ = try store.hold(F.held(2))
        try store.commit()
        XCTAssertNil(try store.held(F.key(1)))
        XCTAssertNotNil(try store.held(F.key(2)))

        try store.addProof(F.proof(3))
        try store.executeRawSQLForTesting("ROLLBACK")
        XCTAssertThrowsError(try store.hold(F.held(4))) {
            XCTAssertEqual($0 as? SQLiteStoreError, .uncommittedWritesLost, "the next write reports it too")
        }
        try store.close()
    }

    func testDiskFullIsReportedAndTheStoreRecoversAfterRollback() throws {
        let store = try SQLiteMessageStore(path: path)
        let own = try XCTUnwrap(try store.hold(F.held(1)))
        try store.addProof(F.proof(1))
        let committed = try XCTUnwrap(try store.addInbound(F.inbound(1)))
        try store.commit()
        // From here the file may not grow: a write that needs a page fails as on a full disk. Relay
        // copies fill it, as they would on a node carrying much for others.
        try store.setMaxPageCountForTesting(try store.pageCount())
        var failure: Error?
        for n: UInt8 in 2...50 where failure == nil {
            do { _ = try store.hold(F.held(n, kind: .relay, from: 5, size: 4_096)) } catch { failure = error }
        }
        XCTAssertEqual(failure as? StoreError, .diskFull(path), "got \(String(describing: failure))")
        XCTAssertThrowsError(try store.commit(), "a group the disk refused must not be committed") {
            XCTAssertEqual($0 as? StoreError, .diskFull(path))
        }
        try store.rollback()

        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 1, inbox: 1, proofs: 1), "nothing committed was lost")
        XCTAssertEqual(try store.inbox(afterSeq: 0, limit: 100), [committed])
        XCTAssertEqual(try store.pendingHeld(now: F.time(0), afterSeq: 0, limit: 100), [own])
        XCTAssertEqual(try store.custodyUsage(.relay), CustodyUsage())
        try store.commit()  // nothing left to commit, and no error left behind

        try store.setMaxPageCountForTesting(1 << 30)  // space is back
        _ = try store.hold(F.held(2))
        XCTAssertNotNil(try store.hold(F.held(3, kind: .relay, from: 5, size: 4_096)))
        XCTAssertNotNil(try store.addInbound(F.inbound(2, body: [UInt8](repeating: 2, count: 4_096))))
        try store.commit()
        try store.close()
        let reopened = try SQLiteMessageStore(path: path)
        XCTAssertEqual(
            try reopened.counts(), StoreCounts(outboxPending: 2, inbox: 2, relay: 1, relayBytes: 4_096, proofs: 1))
        try reopened.close()
    }

    func testDiskFullSaysWhatToDoInOneLine() {
        let text = StoreError.diskFull("/var/lib/ferry/ferry.db").description
        XCTAssertTrue(text.contains("/var/lib/ferry/ferry.db") && text.contains("full") && text.contains("free space"), text)
        XCTAssertFalse(text.contains("\n"))
    }

    func testRollbackAfterSQLiteRolledBackOnItsOwnLeavesTheStoreWorking() throws {
        let store = try SQLiteMessageStore(path: path)
        _ = try store.hold(F.held(1))
        try store.commit()
        _ = try store.hold(F.held(2))
        // What SQLite may do by itself after SQLITE_FULL or SQLITE_IOERR mid-group.
        try store.executeRawSQLForTesting("ROLLBACK")
        try store.rollback()
        _ = try store.hold(F.held(3))
        try store.commit()  // no `uncommittedWritesLost`: the caller already discarded the group
        XCTAssertNil(try store.held(F.key(2)))
        XCTAssertEqual(try store.counts().outboxPending, 2)
        try store.close()
    }

    func testUsingAClosedStoreThrows() throws {
        let store = try SQLiteMessageStore(path: path)
        try store.close()
        XCTAssertThrowsError(try store.counts()) { XCTAssertEqual($0 as? SQLiteStoreError, .closed) }
        XCTAssertThrowsError(try store.hold(F.held(1))) { XCTAssertEqual($0 as? SQLiteStoreError, .closed) }
        XCTAssertThrowsError(try store.proofCount()) { XCTAssertEqual($0 as? SQLiteStoreError, .closed) }
    }

    /// The permission bits of `file`.
    private func mode(of file: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        return try XCTUnwrap(attributes[.posixPermissions] as? Int) & 0o777
    }
}
