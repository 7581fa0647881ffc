import GRDB

// What the store's connection looks like from inside: for tests, and later for `ferry status`.
extension SQLiteMessageStore {
    /// SQLite's journal mode for this connection ("wal" once the store is open).
    func journalMode() throws -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// SQLite's `synchronous` level for this connection (2 is FULL).
    func synchronousLevel() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Identifiers of the schema migrations applied to the file, in order.
    func appliedMigrations() throws -> [String] {
        try read { db in try Schema.migrator.appliedMigrations(db) }
    }

    /// SQLite's page size for this file, in bytes.
    func pageSizeBytes() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0 }
    }

    /// How many pages the database has, as this connection sees it (uncommitted writes included).
    func pageCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
    }

    /// Caps the database at `pages` pages for this connection (`PRAGMA max_page_count`, never below
    /// its current size). A write that needs another page then fails with SQLITE_FULL exactly as on a
    /// full disk, which lets tests fill the "disk" without root or a small file system.
    func setMaxPageCountForTesting(_ pages: Int) throws {
        try read { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)") }
    }

    /// The tables in the file, in name order (SQLite's own excluded).
    func tableNames() throws -> [String] {
        try read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
    }

    /// SQLite's plan for `sql` (the `detail` column of EXPLAIN QUERY PLAN), with every parameter
    /// bound to NULL: the plan depends on the schema and the statement, not on the values.
    func queryPlan(_ sql: String) throws -> [String] {
        let parameters = sql.filter { $0 == "?" }.count
        return try read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN " + sql,
                arguments: StatementArguments([DatabaseValue](repeating: .null, count: parameters))
            ).map { row in (row["detail"] as String?) ?? "" }
        }
    }

    /// Runs raw SQL inside the group transaction. Only tests use it, to damage rows on purpose.
    func executeRawSQLForTesting(_ sql: String) throws {
        try write { db in try db.execute(sql: sql) }
    }
}
