/// Reads big-endian integers and bounded fields from bytes that may be hostile.
///
/// Every read checks the remaining length first and throws `WireError` instead of trapping;
/// every variable-length read takes the field's limit so a peer cannot make us allocate more.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    public var remaining: Int { bytes.count - offset }

    public mutating func u8(_ field: String) throws(WireError) -> UInt8 {
        try need(1, field)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func u16(_ field: String) throws(WireError) -> UInt16 {
        UInt16(truncatingIfNeeded: try uint(2, field))
    }

    public mutating func u32(_ field: String) throws(WireError) -> UInt32 {
        UInt32(truncatingIfNeeded: try uint(4, field))
    }

    public mutating func u64(_ field: String) throws(WireError) -> UInt64 {
        try uint(8, field)
    }

    /// Exactly `count` bytes (a fixed-size field).
    public mutating func raw(_ count: Int, _ field: String) throws(WireError) -> [UInt8] {
        try need(count, field)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// A u16-length-prefixed field of at most `max` bytes.
    public mutating func bytes16(_ field: String, max: Int) throws(WireError) -> [UInt8] {
        let length = Int(try u16(field))
        guard length <= max else { throw .tooLong(field: field, length: length, max: max) }
        return try raw(length, field)
    }

    /// A u32-length-prefixed field of at most `max` bytes.
    public mutating func bytes32(_ field: String, max: Int) throws(WireError) -> [UInt8] {
        let length = Int(try u32(field))
        guard length <= max else { throw .tooLong(field: field, length: length, max: max) }
        return try raw(length, field)
    }

    /// Everything not yet read.
    public mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }

    /// Throws unless every byte has been read: our formats have no room for trailing garbage.
    public func expectEnd() throws(WireError) {
        guard remaining == 0 else { throw .trailingBytes(count: remaining) }
    }

    private func need(_ count: Int, _ field: String) throws(WireError) {
        guard count >= 0, remaining >= count else { throw .truncated(field: field) }
    }

    private mutating func uint(_ width: Int, _ field: String) throws(WireError) -> UInt64 {
        try need(width, field)
        var value: UInt64 = 0
        for index in offset..<offset + width { value = value << 8 | UInt64(bytes[index]) }
        offset += width
        return value
    }
}
