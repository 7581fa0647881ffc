import FerryStore
import FerryWire
import GRDB

/// The node's durable `MessageStore`: one SQLite file in write-ahead-log mode, through GRDB.
///
/// **Group commit.** The first write after a `commit()` opens a transaction; every later write joins
/// it; `commit()` commits it. The driver commits once per loop iteration and only then acknowledges
/// custody, so a crash (`kill -9`) loses at most writes nobody was told about. `synchronous=FULL`
/// makes a returned `commit()` survive a power loss as well, not only a process crash. Reads run on
/// the same connection and therefore see uncommitted writes, as the protocol requires.
///
/// **Threading.** One connection, used from the loop thread only. The type is deliberately not
/// `Sendable`: the open group transaction is connection state that must not be shared.
///
/// **Disk errors.** A write or commit the disk refuses (SQLITE_FULL, reported as
/// `StoreError.diskFull`, or SQLITE_IOERR) fails the whole group: it may have stopped the core halfway
/// through an operation, and the driver tells every peer and client the group failed, so no part of
/// it may be committed later. Writes and commits throw that error until `rollback()` discards the
/// group; after that the store works normally, and writes succeed again once there is space.
///
/// Dropping the store without `close()` behaves like a crash: uncommitted writes are rolled back.
public final class SQLiteMessageStore: MessageStore {
    private let dbQueue: DatabaseQueue
    private let path: String
    /// True from the write that opened a group transaction until the `commit()` or `rollback()` that
    /// ends it. It lets the store notice when SQLite rolled that transaction back on its own.
    private var groupOpen = false
    /// The disk error that failed the open group, if any (see "Disk errors" above).
    private var groupFailure: (any Error)?
    private var closed = false
    /// The highest seq this connection handed out from each row of `counters`. The counters in the
    /// database roll back with a discarded group; these do not, so a seq the core may already have
    /// put in a link's cursor is not handed out again (SQLiteMessageStore+Counters.swift).
    var seqsHandedOut: [String: Int64] = [:]

    /// Opens (or creates) the store at `path`: makes the database file and SQLite's `-wal` and `-shm`
    /// files readable by this user only (mode 0600), checks the file is not damaged
    /// (`PRAGMA quick_check`), switches it to WAL and applies pending migrations.
    ///
    /// - Throws: `SQLiteStoreError.cannotCreate` or `.cannotRestrict` if the file cannot be created or
    ///   made private, `StoreError.corrupt` if it is not a SQLite database or is damaged (the message
    ///   says what to do), `SQLiteStoreError.newerSchema` if a newer ferry migrated it, and GRDB's
    ///   `DatabaseError` for any other SQLite failure.
    public convenience init(path: String) throws {
        try self.init(path: path, migratingUpTo: nil)
    }

    /// Opens the store applying migrations only up to `lastMigration` (all of them when nil). Only
    /// tests stop early, to build a file as an older ferry left it and check what the next migration
    /// makes of it.
    init(path: String, migratingUpTo lastMigration: String?) throws {
        self.path = path
        try Self.restrictFileModes(path: path)
        do {
            dbQueue = try DatabaseQueue(path: path, configuration: Self.configuration(path: path))
            try Self.checkNotDamaged(dbQueue, path: path)
            try Self.migrate(dbQueue, path: path, upTo: lastMigration)
        } catch let error as DatabaseError where Self.meansNotADatabase(error) {
            throw Self.damaged(path, detail: error.message ?? "\(error)")
        }
    }

    /// Commits pending writes, then closes the connection. Later calls on the store throw
    /// `SQLiteStoreError.closed`; closing twice does nothing. After a failed commit, `rollback()`
    /// first: close will not commit a group the disk refused.
    public func close() throws {
        guard !closed else { return }
        try commit()
        try dbQueue.close()
        closed = true
    }

    /// Commits the open group transaction, if any. With no write since the last commit it does nothing.
    public func commit() throws {
        try access { db in
            try checkGroupUsable(db)
            guard db.isInsideTransaction else { return }
            // If COMMIT fails the group stays open (busy: a later commit may retry) or fails for good
            // (disk error); either way `groupOpen` stays true until `rollback()`, which the driver
            // calls since it acknowledged nothing.
            try failingGroupOnDiskError { try db.commit() }
            groupOpen = false
        }
    }

    /// Rolls the open group transaction back, if there is one, and clears any disk error that failed
    /// it. With no write since the last commit it does nothing.
    public func rollback() throws {
        try access { db in
            // SQLite may have rolled the group back on its own (after SQLITE_FULL or SQLITE_IOERR);
            // then there is no transaction to end, only this store's record of it to clear.
            if db.isInsideTransaction { try db.rollback() }
            groupOpen = false
            groupFailure = nil
        }
    }

    // MARK: - Connection access

    /// Runs a write inside the current group transaction, opening one if needed.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try access { db in
            try checkGroupUsable(db)
            if !db.isInsideTransaction {
                // IMMEDIATE takes the write lock now, so a busy database fails here, before any
                // write of the group, rather than halfway through it.
                try db.beginTransaction(.immediate)
                groupOpen = true
            }
            return try failingGroupOnDiskError { try body(db) }
        }
    }

    /// Runs a read on the connection, inside the open group transaction if there is one, so it sees
    /// this store's uncommitted writes.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try access(body)
    }

    private func access<T>(_ body: (Database) throws -> T) throws -> T {
        guard !closed else { throw SQLiteStoreError.closed }
        do { return try dbQueue.inDatabase(body) } catch let error as DatabaseError { throw reported(error) }
    }

    /// SQLite's error as the store reports it: a full disk in words an operator can act on.
    private func reported(_ error: DatabaseError) -> any Error {
        error.resultCode == .SQLITE_FULL ? StoreError.diskFull(path) : error
    }

    /// Runs a step of the group; if the disk refuses it, the group is failed for good.
    private func failingGroupOnDiskError<T>(_ step: () throws -> T) throws -> T {
        do { return try step() } catch let error as DatabaseError
            where error.resultCode == .SQLITE_FULL || error.resultCode == .SQLITE_IOERR
        {
            let failure = reported(error)
            groupFailure = failure
            throw failure
        }
    }

    /// Refuses to carry on with a group the disk failed, or that SQLite rolled back by itself.
    private func checkGroupUsable(_ db: Database) throws {
        if let groupFailure { throw groupFailure }
        try checkGroupNotLost(db)
    }

    /// SQLite rolls a transaction back by itself after some errors (SQLITE_FULL, SQLITE_IOERR, …).
    /// Carrying on would put later writes in a fresh transaction and let `commit()` succeed while the
    /// earlier writes of the group are gone, so report the loss instead, once.
    private func checkGroupNotLost(_ db: Database) throws {
        if groupOpen && !db.isInsideTransaction {
            groupOpen = false
            throw SQLiteStoreError.uncommittedWritesLost
        }
    }
}
