/// What `Address` and `MessageID` share: exactly `byteCount` bytes, printed as lowercase hex.
public protocol FixedBytesValue: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Size on the wire (docs/PROTOCOL.md §Values).
    static var byteCount: Int { get }
    /// Field name for decode errors.
    static var fieldName: String { get }
    var bytes: [UInt8] { get }
    /// Wraps bytes whose length the caller has checked.
    init(unchecked bytes: [UInt8])
}

extension FixedBytesValue {
    public init(bytes: [UInt8]) throws(WireError) {
        guard bytes.count == Self.byteCount else {
            throw .invalid(field: Self.fieldName, reason: "\(bytes.count) bytes, expected \(Self.byteCount)")
        }
        self.init(unchecked: bytes)
    }

    /// Parses the hex text form (either case); nil if it is not one.
    public init?(text: String) {
        guard text.utf8.count == Self.byteCount * 2, let bytes = Hex.decode(text) else { return nil }
        self.init(unchecked: bytes)
    }

    public var text: String { Hex.encode(bytes) }
    public var description: String { text }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    public static func read(_ reader: inout ByteReader, _ field: String = Self.fieldName) throws(WireError) -> Self {
        Self(unchecked: try reader.raw(byteCount, field))
    }
}
