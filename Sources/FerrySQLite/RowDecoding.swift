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

    static let custody = ColumnList(
        table: "custody",
        ["seq", "id", "ack_hash", "kind", "destination", "envelope", "copies", "hops_left", "created_at",
         "expires_at", "received_at", "origin", "delivered_at", "delivered_path", "delivered_hops"])
    /// A custody row's key and seq (what `expireHeld` reports).
    static let custodyKey = ColumnList(table: "custody", ["seq", "id", "ack_hash"])
    static let proofs = ColumnList(
        table: "proofs", ["seq", "id", "ack_hash", "ack_secret", "expires_at", "hops", "path"])
    /// A proof's key and seq (what purging and trimming report).
    static let proofKey = ColumnList(table: "proofs", ["seq", "id", "ack_hash"])
    /// An identity's stored record (`SELECT record FROM identities`).
    static let identityRecord = ColumnList(table: "identities", ["record"])
    static let identityAddress = ColumnList(table: "identities", ["address"])
    static let identityListing = ColumnList(table: "identities", ["address", "record", "updated"])
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

    func uint16(_ column: String) throws -> UInt16 {
        let value = try int64(column)
        guard let small = UInt16(exactly: value) else { throw corrupt(column, "is \(value), not a u16") }
        return small
    }

    /// Whether `column` is NULL, for the nullable columns read with `optional`.
    func isNull(_ column: String) -> Bool { value(column).isNull }

    /// A nullable column: NULL is nil, anything else must decode with `read`.
    func optional<T>(_ column: String, _ read: (String) throws -> T) throws -> T? {
        isNull(column) ? nil : try read(column)
    }

    func timestamp(_ column: String) throws -> Timestamp {
        let value = try int64(column)
        guard let milliseconds = UInt64(exactly: value) else { throw corrupt(column, "is negative (\(value))") }
        return Timestamp(milliseconds: milliseconds)
    }

    func path(_ column: String) throws -> DeliveryPath {
        let text = try text(column)
        guard let path = DeliveryPath(rawValue: text) else { throw corrupt(column, "is \"\(text)\", not a delivery path") }
        return path
    }

    func custodyKind(_ column: String) throws -> CustodyKind {
        let value = try uint8(column)
        guard let kind = CustodyKind(rawValue: value) else { throw corrupt(column, "is \(value), not a custody kind") }
        return kind
    }

    func custodyKey(id: String, ackHash: String) throws -> CustodyKey {
        CustodyKey(id: try messageID(id), ackHash: try bytes(ackHash))
    }

    /// The seq and key of a row selected with `ColumnList.custodyKey` or `.proofKey`.
    func seqAndKey() throws -> (seq: Int64, key: CustodyKey) {
        (try int64("seq"), try custodyKey(id: "id", ackHash: "ack_hash"))
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

extension HeldMessage {
    /// Decodes a row selected with `ColumnList.custody`.
    init(row: Row) throws {
        let reader = RowReader(row: row, columns: .custody)
        self.init(
            seq: try reader.int64("seq"),
            id: try reader.messageID("id"),
            ackHash: try reader.bytes("ack_hash"),
            kind: try reader.custodyKind("kind"),
            destination: try reader.address("destination"),
            envelope: try reader.bytes("envelope"),
            copies: try reader.uint16("copies"),
            hopsLeft: try reader.uint8("hops_left"),
            createdAt: try reader.timestamp("created_at"),
            expiresAt: try reader.timestamp("expires_at"),
            receivedAt: try reader.timestamp("received_at"),
            origin: try reader.optional("origin", reader.address),
            deliveredAt: try reader.optional("delivered_at", reader.timestamp),
            deliveredPath: try reader.optional("delivered_path", reader.path),
            deliveredHops: try reader.optional("delivered_hops", reader.uint8))
    }
}

extension StoredProof {
    /// Decodes a row selected with `ColumnList.proofs`.
    init(row: Row) throws {
        let reader = RowReader(row: row, columns: .proofs)
        self.init(
            seq: try reader.int64("seq"),
            id: try reader.messageID("id"),
            ackSecret: try reader.bytes("ack_secret"),
            ackHash: try reader.bytes("ack_hash"),
            expiresAt: try reader.timestamp("expires_at"),
            hops: try reader.uint8("hops"),
            path: try reader.path("path"))
    }
}

extension InboundMessage {
    /// Decodes a row selected with `ColumnList.inbox`.
    init(row: Row) throws {
        let reader = RowReader(row: row, columns: .inbox)
        self.init(
            seq: try reader.int64("seq"),
            id: try reader.messageID("id"),
            from: try reader.address("from_address"),
            contentType: try reader.uint8("content_type"),
            body: try reader.bytes("body"),
            sentAt: try reader.timestamp("sent_at"),
            receivedAt: try reader.timestamp("received_at"),
            path: try reader.path("path"),
            hops: try reader.uint8("hops"),
            ackSecret: try reader.bytes("ack_secret"),
            expiresAt: try reader.timestamp("expires_at"))
    }
}
