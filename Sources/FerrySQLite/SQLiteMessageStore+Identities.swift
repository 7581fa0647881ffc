import FerryStore
import FerryWire
import Foundation
import GRDB

extension SQLiteMessageStore {
    @discardableResult
    public func putIdentity(_ record: [UInt8], for address: Address) throws -> Bool {
        let offered = try IdentityRecordOrder.decodeOffered(record, for: address)
        // Read first, so the usual case (a peer's unchanged record, sent with every hello and message)
        // takes no write lock.
        let stored = try read { db in
            let row = try Row.fetchOneCached(
                db, sql: "SELECT record FROM identities WHERE address = ?", arguments: [address.sqlValue])
            // A stored value that is not even a blob counts as undecodable, hence replaceable
            // (IdentityRecordOrder says why), so its read error is deliberately dropped here.
            return row.flatMap { try? RowReader(row: $0, columns: .identityRecord).bytes("record") }
        }
        guard IdentityRecordOrder.replaces(offered, stored: stored) else { return false }
        return try write { db in
            // `updated` is for an operator inspecting the file (wall-clock milliseconds); nothing reads it.
            try db.executeCached(
                sql: """
                    INSERT INTO identities (address, record, updated)
                    VALUES (?, ?, CAST(strftime('%s', 'now') AS INTEGER) * 1000)
                    ON CONFLICT (address) DO UPDATE SET record = excluded.record, updated = excluded.updated
                    """,
                arguments: [address.sqlValue, Data(record)])
            return true
        }
    }

    public func identities(limit: Int) throws -> [StoredIdentity] {
        guard limit > 0 else { return [] }
        return try read { db in
            try Row.fetchAllCached(
                db, sql: "SELECT address, record, updated FROM identities ORDER BY updated DESC, address LIMIT ?",
                arguments: [limit]
            ).map { row in
                let reader = RowReader(row: row, columns: .identityListing)
                return StoredIdentity(
                    address: try Address(bytes: reader.bytes("address")), record: try reader.bytes("record"),
                    updated: Timestamp(milliseconds: UInt64(max(0, try reader.int64("updated")))))
            }
        }
    }

    @discardableResult
    public func trimIdentities(keepingAtMost: Int) throws -> [Address] {
        let count = try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM identities") ?? 0 }
        let excess = count - max(0, keepingAtMost)
        guard excess > 0 else { return [] }
        return try write { db in
            let addresses = try Row.fetchAll(
                db, sql: "SELECT address FROM identities ORDER BY updated, address LIMIT ?", arguments: [excess]
            ).map { try Address(bytes: RowReader(row: $0, columns: .identityAddress).bytes("address")) }
            for address in addresses {
                try db.executeCached(sql: "DELETE FROM identities WHERE address = ?", arguments: [address.sqlValue])
            }
            return addresses
        }
    }

    public func identity(for address: Address) throws -> [UInt8]? {
        try read { db in
            guard let row = try Row.fetchOneCached(
                db, sql: "SELECT record FROM identities WHERE address = ?", arguments: [address.sqlValue])
            else { return nil }
            return try RowReader(row: row, columns: .identityRecord).bytes("record")
        }
    }
}
