import FerryStore
import FerryWire
import Foundation
import GRDB

extension SQLiteMessageStore {
    public func addOutbound(_ message: OutboundMessage) throws {
        try write { db in
            // Checked first rather than mapped from the primary-key constraint error, so telling a
            // duplicate from a disk error never depends on decoding SQLite result codes.
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM outbox WHERE id = ?", arguments: [message.id.sqlValue]) != nil {
                throw StoreError.duplicate(message.id)
            }
            let seq = try nextOutboxSeq(db)
            try db.execute(
                sql: """
                    INSERT INTO outbox (id, seq, destination, kind, envelope, ack_hash,
                                        created_at, expires_at, delivered_at, receipt_at, opened_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    message.id.sqlValue, seq, message.destination.sqlValue, Int64(message.kind.rawValue),
                    Data(message.envelope), Data(message.ackHash), message.createdAt.sqlValue,
                    message.expiresAt.sqlValue, message.deliveredAt?.sqlValue, message.receiptAt?.sqlValue,
                    message.openedAt?.sqlValue,
                ])
        }
    }

    /// Takes the next outbox seq from the counter (schema v2), which survives restarts. The counter
    /// rolls back with a discarded group, so it never goes below what this connection handed out
    /// (`outboxSeqHandedOut`) either.
    private func nextOutboxSeq(_ db: Database) throws -> Int64 {
        try db.execute(
            sql: "UPDATE counters SET value = MAX(value + 1, ?) WHERE name = ?",
            arguments: [outboxSeqHandedOut + 1, Schema.outboxSeqCounter])
        guard db.changesCount == 1,
            let row = try Row.fetchOne(
                db, sql: "SELECT value FROM counters WHERE name = ?", arguments: [Schema.outboxSeqCounter])
        else { throw StoreError.corrupt("counters has no \(Schema.outboxSeqCounter) row") }
        let seq = try RowReader(row: row, columns: ColumnList(table: "counters", ["value"])).int64("value")
        outboxSeqHandedOut = seq
        return seq
    }

    public func outbound(id: MessageID) throws -> OutboundMessage? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(ColumnList.outbox.sql) FROM outbox WHERE id = ?", arguments: [id.sqlValue])
                .map(OutboundMessage.init(row:))
        }
    }

    public func pendingOutbound(
        to destination: Address, now: Timestamp, afterSeq: Int64, limit: Int
    ) throws -> [OutboundMessage] {
        // SQLite reads a negative LIMIT as "no limit"; the protocol means "nothing".
        guard limit > 0 else { return [] }
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(ColumnList.outbox.sql) FROM outbox
                    WHERE destination = ? AND delivered_at IS NULL AND seq > ? AND expires_at > ?
                    ORDER BY seq LIMIT ?
                    """,
                arguments: [destination.sqlValue, afterSeq, now.sqlValue, limit]
            ).map(OutboundMessage.init(row:))
        }
    }

    @discardableResult
    public func markDelivered(id: MessageID, at time: Timestamp) throws -> Bool {
        try write { db in
            try db.execute(
                sql: "UPDATE outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL",
                arguments: [time.sqlValue, id.sqlValue])
            return db.changesCount > 0
        }
    }

    @discardableResult
    public func markReceipt(id: MessageID, receivedAt: Timestamp, openedAt: Timestamp) throws -> Bool {
        try write { db in
            // A receipt proves delivery too, in case the delivery proof itself never reached us.
            try db.execute(
                sql: """
                    UPDATE outbox
                    SET delivered_at = COALESCE(delivered_at, ?), receipt_at = ?, opened_at = ?
                    WHERE id = ?
                    """,
                arguments: [receivedAt.sqlValue, receivedAt.sqlValue, openedAt.sqlValue, id.sqlValue])
            return db.changesCount > 0
        }
    }

    public func expireOutbound(before now: Timestamp) throws -> Int {
        try write { db in
            try db.execute(
                sql: "DELETE FROM outbox WHERE delivered_at IS NULL AND expires_at <= ?",
                arguments: [now.sqlValue])
            return db.changesCount
        }
    }
}
