import FerryStore
import GRDB

extension SQLiteMessageStore {
    /// One statement for every figure, so `ferry status` reads one consistent state.
    public func counts() throws -> StoreCounts {
        try read { db in
            let own = CustodySQL.own
            let relay = CustodyKind.relay.sqlValue
            guard let row = try Row.fetchOneCached(db, sql: CustodySQL.counts, arguments: [own, own, relay, relay]) else {
                throw StoreError.corrupt("counting rows returned nothing")
            }
            let reader = RowReader(
                row: row,
                columns: ColumnList(table: "counts", ["pending", "delivered", "inbox", "relay", "relay_bytes", "proofs"]))
            return StoreCounts(
                outboxPending: Int(try reader.int64("pending")),
                outboxDelivered: Int(try reader.int64("delivered")),
                inbox: Int(try reader.int64("inbox")),
                relay: Int(try reader.int64("relay")),
                relayBytes: Int(try reader.int64("relay_bytes")),
                proofs: Int(try reader.int64("proofs")))
        }
    }
}
