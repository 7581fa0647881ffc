import FerryStore
import FerryWire
import Foundation
import GRDB

// How Ferry values are written to SQLite. The inverse lives in RowDecoding.swift.

extension Timestamp {
    /// INTEGER milliseconds. SQLite integers are signed 64-bit, so the (saturated, hostile or
    /// "never") values above `Int64.max` — 292 million years from now — are stored as `Int64.max`.
    /// Clamping keeps every comparison against a real clock reading exact; only such a value's
    /// round trip changes.
    var sqlValue: Int64 { Int64(clamping: milliseconds) }
}

extension MessageID {
    var sqlValue: Data { Data(bytes) }
}

extension Address {
    var sqlValue: Data { Data(bytes) }
}

extension CustodyKey {
    /// `id = ? AND ack_hash = ?`.
    var sqlArguments: StatementArguments { [id.sqlValue, Data(ackHash)] }
}

extension CustodyKind {
    var sqlValue: Int64 { Int64(rawValue) }
}
