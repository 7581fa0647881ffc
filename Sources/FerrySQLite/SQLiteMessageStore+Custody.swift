import FerryStore
import FerryWire
import Foundation
import GRDB

// Taking, reading and ending custody (schema v3's `custody` table). Quotas, eviction and expiry are
// in SQLiteMessageStore+Quotas.swift.
extension SQLiteMessageStore {
    public func hold(_ message: HeldMessage) throws -> HeldMessage? {
        try write { db in
            // Checked first rather than mapped from the UNIQUE constraint's error, so telling a duplicate
            // from a disk error never depends on decoding SQLite result codes, and a duplicate takes no seq.
            if try Bool.fetchOneCached(db, sql: CustodySQL.exists, arguments: message.key.sqlArguments) != nil { return nil }
            var stored = message.asHeld()
            stored.seq = try nextSeq(db, counter: Schema.custodySeqCounter)
            try db.executeCached(sql: CustodySQL.insert, arguments: stored.sqlArguments)
            return stored
        }
    }

    public func held(_ key: CustodyKey) throws -> HeldMessage? {
        try read { db in
            try Row.fetchOneCached(db, sql: CustodySQL.byKey, arguments: key.sqlArguments).map(HeldMessage.init(row:))
        }
    }

    public func held(id: MessageID) throws -> [HeldMessage] {
        try read { db in
            try Row.fetchAllCached(
                db, sql: CustodySQL.byID, arguments: [id.sqlValue, StoreLimits.inboundCopiesPerIDMax]
            ).map(HeldMessage.init(row:))
        }
    }

    public func pendingHeld(
        for destination: Address, now: Timestamp, afterSeq: Int64, limit: Int
    ) throws -> [HeldMessage] {
        // SQLite reads a negative LIMIT as "no limit"; the protocol means "nothing".
        guard limit > 0 else { return [] }
        return try read { db in
            try Row.fetchAllCached(
                db, sql: CustodySQL.pendingForDestination,
                arguments: [destination.sqlValue, afterSeq, now.sqlValue, limit]
            ).map(HeldMessage.init(row:))
        }
    }

    public func pendingHeld(now: Timestamp, afterSeq: Int64, limit: Int) throws -> [HeldMessage] {
        guard limit > 0 else { return [] }
        return try read { db in
            try Row.fetchAllCached(db, sql: CustodySQL.pending, arguments: [afterSeq, now.sqlValue, limit])
                .map(HeldMessage.init(row:))
        }
    }

    public func setCopies(_ key: CustodyKey, copies: UInt16) throws {
        try write { db in
            try db.executeCached(sql: CustodySQL.setCopies, arguments: [Int64(copies)] + key.sqlArguments)
        }
    }

    @discardableResult
    public func markDelivered(_ key: CustodyKey, at time: Timestamp, path: DeliveryPath, hops: UInt8) throws -> Bool {
        try write { db in
            guard let kind = try kind(of: key, sql: CustodySQL.kindIfPending, db) else { return false }
            switch kind {
            case .own:
                try db.executeCached(
                    sql: CustodySQL.markDelivered,
                    arguments: [time.sqlValue, path.rawValue, Int64(hops)] + key.sqlArguments)
            case .relay, .mailbox:
                try db.executeCached(sql: CustodySQL.delete, arguments: key.sqlArguments)
            }
            return true
        }
    }

    @discardableResult
    public func release(_ key: CustodyKey) throws -> Bool {
        try write { db in
            guard let kind = try kind(of: key, sql: CustodySQL.kindOf, db) else { return false }
            switch kind {
            case .own:
                return false
            case .relay, .mailbox:
                try db.executeCached(sql: CustodySQL.delete, arguments: key.sqlArguments)
                return true
            }
        }
    }

    public func ownPending(limit: Int) throws -> [HeldMessage] {
        guard limit > 0 else { return [] }
        return try read { db in
            try Row.fetchAllCached(db, sql: CustodySQL.pendingOfKind, arguments: [CustodySQL.own, limit])
                .map(HeldMessage.init(row:))
        }
    }

    /// The kind of the row `sql` finds for `key`, if any.
    private func kind(of key: CustodyKey, sql: String, _ db: Database) throws -> CustodyKind? {
        guard let row = try Row.fetchOneCached(db, sql: sql, arguments: key.sqlArguments) else { return nil }
        return try RowReader(row: row, columns: ColumnList(table: "custody", ["kind"])).custodyKind("kind")
    }
}

extension HeldMessage {
    /// The values of `CustodySQL.insert`, in its order.
    var sqlArguments: StatementArguments {
        [
            seq, id.sqlValue, Data(ackHash), kind.sqlValue, destination.sqlValue, Data(envelope), size, Int64(copies),
            Int64(hopsLeft), createdAt.sqlValue, expiresAt.sqlValue, receivedAt.sqlValue, origin?.sqlValue,
            deliveredAt?.sqlValue, deliveredPath?.rawValue, deliveredHops.map { Int64($0) },
        ]
    }
}
