import FerryStore
import FerryWire
import Foundation
import GRDB

// What the core decides quotas and eviction with, and expiry. Every sum reads a covering partial
// index (Schema+V3.swift), so its cost grows with the rows of one kind and key, not the table.
extension SQLiteMessageStore {
    public func custodyUsage(_ kind: CustodyKind) throws -> CustodyUsage {
        try read { db in
            guard let row = try Row.fetchOneCached(db, sql: CustodySQL.usage, arguments: [kind.sqlValue]) else {
                throw StoreError.corrupt("summing custody returned nothing")
            }
            let reader = RowReader(row: row, columns: ColumnList(table: "custody", ["count", "bytes"]))
            return CustodyUsage(count: Int(try reader.int64("count")), bytes: Int(try reader.int64("bytes")))
        }
    }

    public func custodyBytes(_ kind: CustodyKind, origin: Address) throws -> Int {
        try sum(CustodySQL.bytesByOrigin, [kind.sqlValue, origin.sqlValue])
    }

    public func custodyBytes(_ kind: CustodyKind, destination: Address) throws -> Int {
        try sum(CustodySQL.bytesByDestination, [kind.sqlValue, destination.sqlValue])
    }

    public func evictionCandidates(_ kind: CustodyKind, limit: Int) throws -> [HeldMessage] {
        // SQLite reads a negative LIMIT as "no limit"; the protocol means "nothing".
        guard limit > 0 else { return [] }
        return try read { db in
            try Row.fetchAllCached(db, sql: CustodySQL.evictionOrder, arguments: [kind.sqlValue, limit])
                .map(HeldMessage.init(row:))
        }
    }

    public func expireHeld(before now: Timestamp, deliveredBefore: Timestamp) throws -> [CustodyKey] {
        try write { db in
            // Read, then delete with the same condition: nothing else writes between the two (one
            // connection, inside the group transaction). A row whose key does not decode (a damaged
            // file) goes all the same, unreported: housekeeping clears damage rather than stop at it
            // every time it runs.
            let keys = try Row.fetchAllCached(db, sql: CustodySQL.expiredKeys, arguments: [now.sqlValue]).compactMap { row in
                try? RowReader(row: row, columns: .custodyKey).seqAndKey()
            }.sorted { $0.seq < $1.seq }.map(\.key)
            try db.executeCached(sql: CustodySQL.deleteExpired, arguments: [now.sqlValue])
            try db.executeCached(sql: CustodySQL.deleteDeliveredBefore, arguments: [deliveredBefore.sqlValue])
            return keys
        }
    }

    /// The one integer `sql` selects (a byte sum).
    private func sum(_ sql: String, _ arguments: StatementArguments) throws -> Int {
        try read { db in
            guard let row = try Row.fetchOneCached(db, sql: sql, arguments: arguments) else {
                throw StoreError.corrupt("summing custody returned nothing")
            }
            return Int(try RowReader(row: row, columns: ColumnList(table: "custody", ["bytes"])).int64("bytes"))
        }
    }
}
