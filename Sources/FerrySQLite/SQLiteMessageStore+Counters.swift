import FerryStore
import GRDB

extension SQLiteMessageStore {
    /// Takes the next seq from a row of `counters` (custody or proofs, schema v3), which survives
    /// restarts. The counter rolls back with a discarded group, so it never goes below what this
    /// connection handed out (`seqsHandedOut`) either: a seq is never handed out twice.
    func nextSeq(_ db: Database, counter: String) throws -> Int64 {
        try db.executeCached(
            sql: "UPDATE counters SET value = MAX(value + 1, ?) WHERE name = ?",
            arguments: [(seqsHandedOut[counter] ?? 0) + 1, counter])
        guard db.changesCount == 1,
            let row = try Row.fetchOneCached(db, sql: "SELECT value FROM counters WHERE name = ?", arguments: [counter])
        else { throw StoreError.corrupt("counters has no \(counter) row") }
        let seq = try RowReader(row: row, columns: ColumnList(table: "counters", ["value"])).int64("value")
        seqsHandedOut[counter] = seq
        return seq
    }
}
