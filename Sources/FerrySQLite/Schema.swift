import GRDB

/// The store's schema, as named migrations applied in order. A migration, once released, is never
/// edited: a later schema change is a new migration ("v2", …) so that every existing data directory
/// walks the same path to the current schema.
enum Schema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createV1)
        return migrator
    }()

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
}
