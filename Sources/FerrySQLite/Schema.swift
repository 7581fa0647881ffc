import GRDB

/// The store's schema, as named migrations applied in order. A migration, once released, is never
/// edited: a later schema change is a new migration ("v2", …) so that every existing data directory
/// walks the same path to the current schema. v3 lives in Schema+V3.swift.
enum Schema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createV1)
        migrator.registerMigration("v2", migrate: migrateV2)
        migrator.registerMigration("v3", migrate: migrateV3)
        return migrator
    }()

    /// Name of the outbox's row in `counters` (v2; v3 replaces it with `custodySeqCounter`).
    static let outboxSeqCounter = "outbox_seq"

    /// Timestamps are INTEGER milliseconds since the Unix epoch; ids and addresses are 16-byte BLOBs.
    private static func createV1(_ db: Database) throws {
        // `seq` gives the outbox a stable insertion order that survives deletes and VACUUM (a plain
        // rowid may be renumbered by VACUUM when the primary key is not an INTEGER).
        try db.execute(
            sql: """
                CREATE TABLE outbox (
                    id           BLOB    NOT NULL PRIMARY KEY,
                    seq          INTEGER NOT NULL UNIQUE,
                    destination  BLOB    NOT NULL,
                    kind         INTEGER NOT NULL,
                    envelope     BLOB    NOT NULL,
                    ack_hash     BLOB    NOT NULL,
                    created_at   INTEGER NOT NULL,
                    expires_at   INTEGER NOT NULL,
                    delivered_at INTEGER,
                    receipt_at   INTEGER,
                    opened_at    INTEGER
                );
                -- pendingOutbound: one destination's undelivered messages, oldest first.
                CREATE INDEX outbox_by_destination ON outbox (destination, delivered_at, seq);
                -- expireOutbound: undelivered messages by expiry.
                CREATE INDEX outbox_by_expiry ON outbox (delivered_at, expires_at);
                """)
        // AUTOINCREMENT so that an inbox seq is never reused, even after the newest message is
        // deleted: `ferry inbox --follow` resumes from the last seq it printed.
        try db.execute(
            sql: """
                CREATE TABLE inbox (
                    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
                    id           BLOB    NOT NULL UNIQUE,
                    from_address BLOB    NOT NULL,
                    content_type INTEGER NOT NULL,
                    body         BLOB    NOT NULL,
                    sent_at      INTEGER NOT NULL,
                    received_at  INTEGER NOT NULL,
                    path         TEXT    NOT NULL,
                    hops         INTEGER NOT NULL,
                    ack_secret   BLOB    NOT NULL,
                    expires_at   INTEGER NOT NULL
                );
                CREATE TABLE seen (
                    id    BLOB    NOT NULL PRIMARY KEY,
                    until INTEGER NOT NULL
                );
                CREATE INDEX seen_by_until ON seen (until);
                CREATE TABLE identities (
                    address BLOB    NOT NULL PRIMARY KEY,
                    record  BLOB    NOT NULL,
                    updated INTEGER NOT NULL
                );
                """)
    }

    /// v2: a message is identified by (id, ack secret), not by its sender-chosen id alone, and the
    /// outbox `seq` comes from a counter that never goes back.
    private static func migrateV2(_ db: Database) throws {
        try createOutboxSeqCounter(db)
        try rebuildInboxUniqueOnIDAndAckSecret(db)
        try rekeySeenOnIDAndAckHash(db)
    }

    /// v1 handed out `MAX(seq) + 1`, so once the newest outbox row was gone its seq came back and a
    /// link's cursor could skip the new message. The counter only grows. It starts at v1's MAX(seq),
    /// so new messages sort after every kept row; seqs of rows v1 already removed may lie above it,
    /// but no cursor holds them: cursors live in memory and the migration runs at a restart.
    private static func createOutboxSeqCounter(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE counters (
                    name  TEXT    NOT NULL PRIMARY KEY,
                    value INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO counters (name, value) SELECT ?, COALESCE(MAX(seq), 0) FROM outbox;
                """,
            arguments: [outboxSeqCounter])
    }

    /// SQLite cannot change a table's constraints in place, so the inbox is copied into a new table
    /// with UNIQUE (id, ack_secret) and renamed (sqlite.org/lang_altertable.html, "other kinds of
    /// table schema changes"). Rows keep their seq, and AUTOINCREMENT's high-water mark moves over
    /// with the table, so a seq v1 handed out (even for a row since deleted) is never handed out again.
    private static func rebuildInboxUniqueOnIDAndAckSecret(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE inbox_v2 (
                    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
                    id           BLOB    NOT NULL,
                    from_address BLOB    NOT NULL,
                    content_type INTEGER NOT NULL,
                    body         BLOB    NOT NULL,
                    sent_at      INTEGER NOT NULL,
                    received_at  INTEGER NOT NULL,
                    path         TEXT    NOT NULL,
                    hops         INTEGER NOT NULL,
                    ack_secret   BLOB    NOT NULL,
                    expires_at   INTEGER NOT NULL,
                    UNIQUE (id, ack_secret)
                );
                INSERT INTO inbox_v2 (seq, id, from_address, content_type, body, sent_at, received_at, path, hops,
                                      ack_secret, expires_at)
                    SELECT seq, id, from_address, content_type, body, sent_at, received_at, path, hops,
                           ack_secret, expires_at
                    FROM inbox ORDER BY seq;
                -- Carry the high-water mark: drop the copy's own entry (MAX(seq) of the copied rows), take
                -- over v1's (at least as high), and let DROP and RENAME leave it under the name "inbox".
                DELETE FROM sqlite_sequence WHERE name = 'inbox_v2';
                UPDATE sqlite_sequence SET name = 'inbox_v2' WHERE name = 'inbox';
                DROP TABLE inbox;
                ALTER TABLE inbox_v2 RENAME TO inbox;
                """)
    }

    /// v1 keyed seen ids on the id alone. Its rows are dropped rather than converted (they hold no ack
    /// hash): they only kept receipts from being handled twice, and the worst a dropped one allows is
    /// a repeated receipt updating a delivered message's receipt time once more.
    private static func rekeySeenOnIDAndAckHash(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP TABLE seen;
                CREATE TABLE seen (
                    id       BLOB    NOT NULL,
                    ack_hash BLOB    NOT NULL,
                    until    INTEGER NOT NULL,
                    PRIMARY KEY (id, ack_hash)
                ) WITHOUT ROWID;
                CREATE INDEX seen_by_until ON seen (until);
                """)
    }
}
