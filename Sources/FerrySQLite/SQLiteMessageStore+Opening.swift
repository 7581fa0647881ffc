import FerryStore
import Foundation
import GRDB

// Opening the store: what is set up and checked before the node may use the file.
extension SQLiteMessageStore {
    /// The database file and the two files SQLite keeps beside it in WAL mode.
    static func files(of path: String) -> [String] { [path, path + "-wal", path + "-shm"] }

    /// Makes the store's files readable by this user only: they hold messages, what it carries and who
    /// talks to whom. A missing database file is created 0600 before SQLite opens it, because SQLite
    /// creates the `-wal` and `-shm` files with the database file's mode; files an older ferry (or a
    /// crash) left more open are restricted.
    static func restrictFileModes(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw SQLiteStoreError.cannotCreate(path: path, reason: lastErrorText()) }
            closeDescriptor(descriptor)
        }
        for file in files(of: path) where chmod(file, 0o600) != 0 && errno != ENOENT {
            throw SQLiteStoreError.cannotRestrict(path: file, reason: lastErrorText())
        }
    }

    /// Runs SQLite's fast structural check (every page of every table, without cross-checking
    /// indexes), so a damaged file is refused at start with what to do, rather than failing requests
    /// one by one, or serving what is left of it, later.
    static func checkNotDamaged(_ dbQueue: DatabaseQueue, path: String) throws {
        let findings = try dbQueue.inDatabase { db in try String.fetchAll(db, sql: "PRAGMA quick_check(1)") }
        guard findings != ["ok"] else { return }
        throw damaged(path, detail: findings.first ?? "quick_check answered nothing")
    }

    /// The error for a file SQLite cannot use, on one line, with what the operator should do.
    static func damaged(_ path: String, detail: String) -> StoreError {
        // SQLite's findings can span lines ("*** in database main ***\nPage 7: …") and be long.
        let finding = detail.split(whereSeparator: \.isNewline).joined(separator: " ")
            .prefix(SQLiteLimits.damageDetailCharactersMax)
        return .corrupt(
            "\(path) is damaged (\(finding)); stop ferry, move it and its -wal and -shm files aside, "
                + "then restore them from a backup or start with an empty store")
    }

    static func configuration(path: String) -> Configuration {
        var config = Configuration()
        config.label = "ferry.store"
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(SQLiteLimits.busyTimeoutSeconds)
        // The group transaction deliberately outlives each GRDB access block.
        config.allowsUnsafeTransactions = true
        // WAL is set here rather than with `config.journalMode = .wal`, because GRDB's WAL setup
        // lowers `synchronous` to NORMAL, which can lose the last commits on power loss.
        config.prepareDatabase { db in
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") ?? "unknown"
            guard mode.lowercased() == "wal" else {
                throw SQLiteStoreError.walUnavailable(path: path, journalMode: mode)
            }
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return config
    }

    static func migrate(_ dbQueue: DatabaseQueue, path: String, upTo lastMigration: String?) throws {
        let migrator = Schema.migrator
        if let lastMigration { return try migrator.migrate(dbQueue, upTo: lastMigration) }
        let upToDate = try dbQueue.inDatabase { db in
            guard try !migrator.hasBeenSuperseded(db) else { throw SQLiteStoreError.newerSchema(path: path) }
            return try migrator.hasCompletedMigrations(db)
        }
        // Reopening an up-to-date file takes no write lock, so a second connection (tooling, or a
        // test) can open the store while the node holds its group transaction.
        if !upToDate { try migrator.migrate(dbQueue) }
    }

    static func meansNotADatabase(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT
    }
}

/// `close(2)`, out here because inside the extension `close` means the store's own method.
private func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }

/// The C library's text for the current `errno`.
private func lastErrorText() -> String { String(cString: strerror(errno)) }
