/// Variable-length unsigned integers, as the sync messages use them (docs/PROTOCOL.md §Set reconciliation).
///
/// Base-128 digits, most significant first; every byte but the last has its high bit set. This is
/// Negentropy's varint. Small numbers (timestamp gaps, counts, list positions) take one or two
/// bytes instead of eight, which is most of what keeps a sync message short.
public enum Varint {
    /// The longest encoding of a `UInt64`: ⌈64 / 7⌉ digits.
    public static let byteCountMax = 10

    /// How many bytes `value` takes.
    public static func byteCount(_ value: UInt64) -> Int {
        var count = 1
        var rest = value >> 7
        while rest != 0 {
            count += 1
            rest >>= 7
        }
        return count
    }
}

extension ByteWriter {
    /// `value` as a minimal varint.
    public mutating func varint(_ value: UInt64) {
        var shift = 7 * (Varint.byteCount(value) - 1)
        while shift > 0 {
            u8(UInt8(truncatingIfNeeded: value >> UInt64(shift)) | 0x80)
            shift -= 7
        }
        u8(UInt8(truncatingIfNeeded: value) & 0x7f)
    }
}

extension ByteReader {
    /// A varint that must be minimal (no leading zero digit) and fit in 64 bits.
    ///
    /// Minimality keeps every value to one encoding, so a golden vector pins the bytes and two
    /// encoders of the same message agree.
    public mutating func varint(_ field: String) throws(WireError) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<Varint.byteCountMax {
            let byte = try u8(field)
            if index == 0, byte == 0x80 { throw .invalid(field: field, reason: "varint with a leading zero digit") }
            guard value <= UInt64.max >> 7 else { throw .invalid(field: field, reason: "varint over 64 bits") }
            value = value << 7 | UInt64(byte & 0x7f)
            if byte & 0x80 == 0 { return value }
        }
        throw .invalid(field: field, reason: "varint longer than \(Varint.byteCountMax) bytes")
    }
}
