import FerryStore
import FerryWire
import Foundation
import GRDB

// Rows are decoded by hand from SQLite's storage classes rather than with GRDB's typed subscripts,
// which trap on a NULL or mistyped value. A damaged or hand-edited file must make the store throw
// `StoreError.corrupt`, never crash the node.

/// Reads one row's columns as Ferry values, throwing `StoreError.corrupt` for anything unexpected.
struct RowReader {
    let row: Row
    /// Table name, for error messages.
    let table: String

    func int64(_ column: String) throws -> Int64 {
        guard let value = row[column] as? Int64 else { throw corrupt(column, "is not an integer") }
        return value
    }

    func bytes(_ column: String) throws -> [UInt8] {
        guard let value = row[column] as? Data else { throw corrupt(column, "is not a blob") }
        return [UInt8](value)
    }

    func text(_ column: String) throws -> String {
        guard let value = row[column] as? String else { throw corrupt(column, "is not text") }
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
        row[column] == nil ? nil : try timestamp(column)
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
    /// Decodes a row of `SELECT * FROM outbox`.
    init(row: Row) throws {
        let reader = RowReader(row: row, table: "outbox")
        let kindValue = try reader.uint8("kind")
        guard let kind = OutboundKind(rawValue: kindValue) else {
            throw reader.corrupt("kind", "is \(kindValue), not a known kind")
        }
        self.init(
            id: try reader.messageID("id"),
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
    /// Decodes a row of `SELECT * FROM inbox`.
    init(row: Row) throws {
        let reader = RowReader(row: row, table: "inbox")
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
