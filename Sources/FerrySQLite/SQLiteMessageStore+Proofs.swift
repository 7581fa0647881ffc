import FerryStore
import FerryWire
import Foundation
import GRDB

// Delivery proofs remembered as anti-packets (schema v3's `proofs` table).
extension SQLiteMessageStore {
    @discardableResult
    public func addProof(_ proof: StoredProof) throws -> Bool {
        try write { db in
            // Checked first, as in `hold`: a duplicate takes no seq and is never confused with a disk error.
            if try Bool.fetchOneCached(db, sql: ProofSQL.exists, arguments: proof.key.sqlArguments) != nil { return false }
            let seq = try nextSeq(db, counter: Schema.proofSeqCounter)
            try db.executeCached(
                sql: ProofSQL.insert,
                arguments: [
                    proof.id.sqlValue, Data(proof.ackHash), seq, Data(proof.ackSecret), proof.expiresAt.sqlValue,
                    Int64(proof.hops), proof.path.rawValue,
                ])
            return true
        }
    }

    public func proof(_ key: CustodyKey) throws -> StoredProof? {
        try read { db in
            try Row.fetchOneCached(db, sql: ProofSQL.byKey, arguments: key.sqlArguments).map(StoredProof.init(row:))
        }
    }

    public func proofs(afterSeq: Int64, limit: Int) throws -> [StoredProof] {
        // SQLite reads a negative LIMIT as "no limit"; the protocol means "nothing".
        guard limit > 0 else { return [] }
        return try read { db in
            try Row.fetchAllCached(db, sql: ProofSQL.afterSeq, arguments: [afterSeq, limit]).map(StoredProof.init(row:))
        }
    }

    public func purgeProofs(before now: Timestamp) throws -> [CustodyKey] {
        try write { db in
            let keys = try proofKeys(db, sql: ProofSQL.expiredKeys, arguments: [now.sqlValue])
            try db.executeCached(sql: ProofSQL.deleteExpired, arguments: [now.sqlValue])
            return keys.sorted { $0.seq < $1.seq }.map(\.key)
        }
    }

    public func proofCount() throws -> Int {
        try read { db in try count(db) }
    }

    public func trimProofs(keep: Int) throws -> [CustodyKey] {
        try write { db in
            let excess = try count(db) - max(keep, 0)
            guard excess > 0 else { return [] }
            let keys = try proofKeys(db, sql: ProofSQL.nearestExpiry, arguments: [excess])
            try db.executeCached(sql: ProofSQL.deleteNearestExpiry, arguments: [excess])
            return keys.map(\.key)
        }
    }

    /// The keys of the proofs `sql` selects, which the caller then deletes with the same condition.
    /// As in `expireHeld`, a proof whose key does not decode (a damaged file) goes unreported.
    private func proofKeys(
        _ db: Database, sql: String, arguments: StatementArguments
    ) throws -> [(seq: Int64, key: CustodyKey)] {
        try Row.fetchAllCached(db, sql: sql, arguments: arguments).compactMap { row in
            try? RowReader(row: row, columns: .proofKey).seqAndKey()
        }
    }

    /// How many proofs there are. COUNT(*) walks the smallest index; the core keeps the table bounded
    /// (`trimProofs`), which bounds this too.
    private func count(_ db: Database) throws -> Int {
        guard let row = try Row.fetchOneCached(db, sql: ProofSQL.count) else {
            throw StoreError.corrupt("counting proofs returned nothing")
        }
        return Int(try RowReader(row: row, columns: ColumnList(table: "proofs", ["count"])).int64("count"))
    }
}
