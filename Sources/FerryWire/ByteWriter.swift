/// Appends big-endian integers and length-prefixed fields to a byte buffer.
///
/// All Ferry wire formats are big-endian (network order); docs/PROTOCOL.md describes them.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func u8(_ value: UInt8) { bytes.append(value) }

    public mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    public mutating func u32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    public mutating func u64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Raw bytes with no length prefix (fixed-size fields).
    public mutating func raw<C: Collection>(_ value: C) where C.Element == UInt8 { bytes.append(contentsOf: value) }

    /// A field preceded by its length as a u16. The caller keeps `value` within the field's limit.
    public mutating func bytes16<C: Collection>(_ value: C) where C.Element == UInt8 {
        precondition(value.count <= Int(UInt16.max), "field over u16 length")
        u16(UInt16(value.count))
        raw(value)
    }

    /// A field preceded by its length as a u32. The caller keeps `value` within the field's limit.
    public mutating func bytes32<C: Collection>(_ value: C) where C.Element == UInt8 {
        precondition(value.count <= Int(UInt32.max), "field over u32 length")
        u32(UInt32(value.count))
        raw(value)
    }
}
