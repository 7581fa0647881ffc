import FerryWire
import Foundation
import GRDB

/// v3: one custody table for every message this node holds and why (own, relay, mailbox), and the
/// delivery proofs it has seen (anti-packets). Replaces v2's outbox and seen ids.
extension Schema {
    /// Name of the custody table's row in `counters`; it continues v2's `outbox_seq`.
    static let custodySeqCounter = "custody_seq"
    /// Name of the proofs table's row in `counters`.
    static let proofSeqCounter = "proof_seq"
    /// What a v2 outbox row gets when its stored envelope does not decode: the hop limit and copy
    /// budget v2 nodes sent with.
    static let migratedHopsLeftDefault: UInt8 = 8
    static let migratedCopiesDefault: UInt16 = 1
    /// v2 delivered only over a direct link, which is one hop (EnvelopeSeal.Opened.hops).
    static let migratedDeliveredHops: UInt8 = 1
    // Spelled out rather than taken from `CustodyKind` and `DeliveryPath`, so that the migration
    // writes the same rows whatever later code does to those types.
    /// `CustodyKind.own`.
    static let migratedOwnKind: Int64 = 1
    /// `DeliveryPath.direct`.
    static let migratedDeliveredPath = "direct"

    static func migrateV3(_ db: Database) throws {
        try createCustody(db)
        try createProofs(db)
        try moveOwnMessagesIntoCustody(db)
        try takeHopsAndCopiesFromEnvelopes(db)
        try startCounters(db)
        // Receipts are no longer messages (the delivery proof is the receipt), and v2's seen ids hold
        // no ack secret, so neither becomes a proof.
        try db.execute(sql: "DROP TABLE outbox; DROP TABLE seen;")
    }

    /// `seq` is the row id: custody order is table order, so the cursor walk over everything pending
    /// (`pendingHeld(now:afterSeq:)`) reads the table itself, and VACUUM cannot renumber an INTEGER
    /// PRIMARY KEY. It comes from `counters`, never from SQLite, so it is never reused. The message's
    /// identity, (id, ack_hash), is UNIQUE. Every index but one covers undelivered rows only, since
    /// delivered own rows are history that no query walks. `size` is the envelope's length, so the
    /// byte sums read an index alone; the CHECK keeps it honest. (A generated column would keep it
    /// too, but SQLite 3.40 will not answer a query from an index that holds one.) The indexes the
    /// sums read end in `delivered_at`, which SQLite needs in the index to call it covering.
    private static func createCustody(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE custody (
                    seq            INTEGER PRIMARY KEY,
                    id             BLOB    NOT NULL,
                    ack_hash       BLOB    NOT NULL,
                    kind           INTEGER NOT NULL,
                    destination    BLOB    NOT NULL,
                    envelope       BLOB    NOT NULL,
                    size           INTEGER NOT NULL CHECK (size = length(envelope)),
                    copies         INTEGER NOT NULL,
                    hops_left      INTEGER NOT NULL,
                    created_at     INTEGER NOT NULL,
                    expires_at     INTEGER NOT NULL,
                    received_at    INTEGER NOT NULL,
                    origin         BLOB,
                    delivered_at   INTEGER,
                    delivered_path TEXT,
                    delivered_hops INTEGER,
                    UNIQUE (id, ack_hash)
                );
                -- pendingHeld(for:): one destination's pending messages in seq order.
                CREATE INDEX custody_pending_by_destination ON custody (destination, seq)
                    WHERE delivered_at IS NULL;
                -- ownPending, and custodyUsage (covering: count and sum of size per kind).
                CREATE INDEX custody_pending_by_kind ON custody (kind, seq, size, delivered_at)
                    WHERE delivered_at IS NULL;
                -- evictionCandidates: nearest expiry, then fewest copies, then oldest, per kind.
                CREATE INDEX custody_eviction ON custody (kind, expires_at, copies, seq) WHERE delivered_at IS NULL;
                -- custodyBytes(origin:) and custodyBytes(destination:), covering.
                CREATE INDEX custody_bytes_by_origin ON custody (kind, origin, size, delivered_at)
                    WHERE delivered_at IS NULL;
                CREATE INDEX custody_bytes_by_destination ON custody (kind, destination, size, delivered_at)
                    WHERE delivered_at IS NULL;
                -- expireHeld: pending messages by expiry, and delivered own rows by delivery time.
                CREATE INDEX custody_expiry ON custody (expires_at) WHERE delivered_at IS NULL;
                CREATE INDEX custody_delivered ON custody (delivered_at) WHERE delivered_at IS NOT NULL;
                """)
    }

    /// Small rows looked up by key on every message offered, so the table is clustered on the key
    /// (WITHOUT ROWID); `seq` comes from `counters` like custody's.
    private static func createProofs(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE proofs (
                    id         BLOB    NOT NULL,
                    ack_hash   BLOB    NOT NULL,
                    seq        INTEGER NOT NULL UNIQUE,
                    ack_secret BLOB    NOT NULL,
                    expires_at INTEGER NOT NULL,
                    hops       INTEGER NOT NULL,
                    path       TEXT    NOT NULL,
                    PRIMARY KEY (id, ack_hash)
                ) WITHOUT ROWID;
                -- purgeProofs and trimProofs: nearest expiry first, oldest first on a tie.
                CREATE INDEX proofs_by_expiry ON proofs (expires_at, seq);
                """)
    }

    /// The user's messages (v2 outbox kind 1, `message`) become own custody with their seq, pending or delivered
    /// as they were. v2 received them from nobody (origin NULL) at their creation. Receipts (kind 2)
    /// are dropped: nothing sends them any more.
    private static func moveOwnMessagesIntoCustody(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO custody (seq, id, ack_hash, kind, destination, envelope, size, copies, hops_left,
                                     created_at, expires_at, received_at, origin, delivered_at, delivered_path,
                                     delivered_hops)
                    SELECT seq, id, ack_hash, ?, destination, envelope, length(envelope), ?, ?, created_at,
                           expires_at, created_at, NULL, delivered_at,
                           CASE WHEN delivered_at IS NULL THEN NULL ELSE ? END,
                           CASE WHEN delivered_at IS NULL THEN NULL ELSE ? END
                    FROM outbox WHERE kind = 1 ORDER BY seq
                """,
            arguments: [
                migratedOwnKind, Int64(migratedCopiesDefault), Int64(migratedHopsLeftDefault), migratedDeliveredPath,
                Int64(migratedDeliveredHops),
            ])
    }

    /// The hop limit and copy budget an own message was sent with are in its envelope's tail; a row
    /// whose envelope does not decode keeps the defaults (and reads back as stored: the envelope
    /// bytes are never changed here).
    private static func takeHopsAndCopiesFromEnvelopes(_ db: Database) throws {
        let columns = ColumnList(table: "custody", ["seq", "envelope"])
        // All at once rather than through a cursor, which must not see the table change under it;
        // a v2 outbox held only this node's own undelivered and delivered messages.
        let rows = try Row.fetchAll(db, sql: "SELECT \(columns.sql) FROM custody")
        for row in rows {
            let reader = RowReader(row: row, columns: columns)
            guard let seq = try? reader.int64("seq"), let bytes = try? reader.bytes("envelope"),
                let envelope = try? Envelope.decode(bytes)
            else { continue }
            try db.execute(
                sql: "UPDATE custody SET hops_left = ?, copies = ? WHERE seq = ?",
                arguments: [Int64(envelope.hopsLeft), Int64(envelope.copies), seq])
        }
    }

    /// The custody counter continues the outbox's (which also numbered the receipts just dropped),
    /// so no seq a v2 node handed out comes back; proofs start from zero.
    private static func startCounters(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO counters (name, value)
                    VALUES (?, MAX(COALESCE((SELECT value FROM counters WHERE name = ?), 0),
                                   COALESCE((SELECT MAX(seq) FROM custody), 0)));
                INSERT INTO counters (name, value) VALUES (?, 0);
                DELETE FROM counters WHERE name = ?;
                """,
            arguments: [custodySeqCounter, outboxSeqCounter, proofSeqCounter, outboxSeqCounter])
    }
}
