import FerryStore
import FerryWire
import Foundation
import GRDB

extension SQLiteMessageStore {
    public func addInbound(_ message: InboundMessage) throws -> InboundMessage? {
        try write { db in
            // The same id under another ack secret is another message (a decoy, or a sender's bug), not
            // a copy: only the pair identifies a message (schema v2's UNIQUE (id, ack_secret)).
            if try Bool.fetchOneCached(
                db, sql: "SELECT 1 FROM inbox WHERE id = ? AND ack_secret = ?",
                arguments: [message.id.sqlValue, Data(message.ackSecret)]) != nil
            {
                return nil
            }
            // `seq` is left to AUTOINCREMENT; the caller's value is ignored, as in the protocol.
            try db.executeCached(
                sql: """
                    INSERT INTO inbox (id, from_address, content_type, body, sent_at, received_at,
                                       path, hops, ack_secret, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    message.id.sqlValue, message.from.sqlValue, Int64(message.contentType), Data(message.body),
                    message.sentAt.sqlValue, message.receivedAt.sqlValue, message.path.rawValue,
                    Int64(message.hops), Data(message.ackSecret), message.expiresAt.sqlValue,
                ])
            var stored = message
            stored.seq = db.lastInsertedRowID
            return stored
        }
    }

    public func inbound(id: MessageID) throws -> [InboundMessage] {
        try read { db in
            try Row.fetchAllCached(
                db, sql: "SELECT \(ColumnList.inbox.sql) FROM inbox WHERE id = ? ORDER BY seq LIMIT ?",
                arguments: [id.sqlValue, StoreLimits.inboundCopiesPerIDMax]
            ).map(InboundMessage.init(row:))
        }
    }

    public func inbox(afterSeq: Int64, limit: Int) throws -> [InboundMessage] {
        // SQLite reads a negative LIMIT as "no limit"; the protocol means "nothing".
        guard limit > 0 else { return [] }
        return try read { db in
            try Row.fetchAllCached(
                db, sql: "SELECT \(ColumnList.inbox.sql) FROM inbox WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [afterSeq, limit]
            ).map(InboundMessage.init(row:))
        }
    }
}
