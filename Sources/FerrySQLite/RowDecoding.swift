import FerryStore
import FerryWire
import Foundation
import GRDB

// Rows are decoded by hand from SQLite's storage classes rather than with GRDB's typed subscripts,
// which trap on a NULL or mistyped value. A damaged or hand-edited file must make the store throw
// `StoreError.corrupt`, never crash the node.

/// The columns a query selects, in order, so rows are read by position: GRDB's lookup by name
/// lowercases the name on every access, which showed as a fifth of the node's CPU under load
/// (docs/BENCHMARKS.md).
struct ColumnList {
    let table: String
    let names: [String]
    let positions: [String: Int]

    init(table: String, _ names: [String]) {
        self.table = table
        self.names = names
        positions = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    }

    /// `a, b, c` for a SELECT.
    var sql: String { names.joined(separator: ", ") }

    static let outbox = ColumnList(
        table: "outbox",
        ["id", "seq", "destination", "kind", "envelope", "ack_hash", "created_at", "expires_at", "delivered_at",
         "receipt_at", "opened_at"])
    /// An identity's stored record (`SELECT record FROM identities`).
    static let identityRecord = ColumnList(table: "identities", ["record"])
    static let inbox = ColumnList(
        table: "inbox",
        ["seq", "id", "from_address", "content_type", "body", "sent_at", "received_at", "path", "hops", "ack_secret",
         "expires_at"])
}

/// Reads one row's columns as Ferry values, throwing `StoreError.corrupt` for anything unexpected.
struct RowReader {
    let row: Row
    let columns: ColumnList
    /// Table name, for error messages.
    var table: String { columns.table }

    /// The value at `column`'s position; a column the query did not select is our own bug.
    private func value(_ column: String) -> DatabaseValue {
        guard let index = columns.positions[column] else { preconditionFailure("\(column) not selected") }
        return row[index] as DatabaseValue
    }

    func int64(_ column: String) throws -> Int64 {
        guard case .int64(let value) = value(column).storage else { throw corrupt(column, "is not an integer") }
        return value
    }

    func bytes(_ column: String) throws -> [UInt8] {
        guard case .blob(let value) = value(column).storage else { throw corrupt(column, "is not a blob") }
        return [UInt8](value)
    }

    func text(_ column: String) throws -> String {
        guard case .string(let value) = value(column).storage else { throw corrupt(column, "is not text") }
        return value
    }

    func uint8(_ column: String) throws -> UInt8 {
        let value = try int64(column)
        guard let small = UInt8(exactly: value) else { throw corrupt(column, "is \(value), not a byte") }
        return small
    }

    func timestamp(_ column: String) throws -> Timestamp {
        let value = try int64(column)
        guard let milliseconds = UInt64(exactly: value) else { throw corrupt(column, "is negative (\(value))") }
        return Timestamp(milliseconds: milliseconds)
    }

    /// A nullable timestamp column: NULL is nil, anything else must be a valid timestamp.
    func optionalTimestamp(_ column: String) throws -> Timestamp? {
        value(column).isNull ? nil : try timestamp(column)
    }

    func messageID(_ column: String) throws -> MessageID {
        let raw = try bytes(column)
        do { return try MessageID(bytes: raw) } catch { throw corrupt(column, "is not a message id: \(error)") }
    }

    func address(_ column: String) throws -> Address {
        let raw = try bytes(column)
        do { return try Address(bytes: raw) } catch { throw corrupt(column, "is not an address: \(error)") }
    }

    func corrupt(_ column: String, _ problem: String) -> StoreError {
        .corrupt("\(table).\(column) \(problem)")
    }
}

extension OutboundMessage {
    /// Decodes a row selected with `ColumnList.outbox`.
    init(row: Row) throws {
        let reader = RowReader(row: row, columns: .outbox)
        let kindValue = try reader.uint8("kind")
        guard let kind = OutboundKind(rawValue: kindValue) else {
            throw reader.corrupt("kind", "is \(kindValue), not a known kind")
        }
        self.init(
            id: try reader.messageID("id"),
            seq: try reader.int64("seq"),
            destination: try reader.address("destination"),
            kind: kind,
            envelope: try reader.bytes("envelope"),
            ackHash: try reader.bytes("ack_hash"),
            createdAt: try reader.timestamp("created_at"),
            expiresAt: try reader.timestamp("expires_at"),
            deliveredAt: try reader.optionalTimestamp("delivered_at"),
            receiptAt: try reader.optionalTimestamp("receipt_at"),
            openedAt: try reader.optionalTimestamp("opened_at"))
    }
}

extension InboundMessage {
    /// Decodes a row selected with `ColumnList.inbox`.
    init(row: Row) throws {
        let reader = RowReader(row: row, columns: .inbox)
        let pathText = try reader.text("path")
        guard let path = DeliveryPath(rawValue: pathText) else {
            throw reader.corrupt("path", "is \"\(pathText)\", not a delivery path")
        }
        self.init(
            seq: try reader.int64("seq"),
            id: try reader.messageID("id"),
            from: try reader.address("from_address"),
            contentType: try reader.uint8("content_type"),
            body: try reader.bytes("body"),
            sentAt: try reader.timestamp("sent_at"),
            receivedAt: try reader.timestamp("received_at"),
            path: path,
            hops: try reader.uint8("hops"),
            ackSecret: try reader.bytes("ack_secret"),
            expiresAt: try reader.timestamp("expires_at"))
    }
}
