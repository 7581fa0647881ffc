/// A message's 16-byte random identifier, printed as 32 lowercase hex characters.
public struct MessageID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Size on the wire (docs/PROTOCOL.md §Values).
    public static let byteCount = 16

    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(WireError) {
        guard bytes.count == Self.byteCount else {
            throw .invalid(field: "message id", reason: "\(bytes.count) bytes, expected \(Self.byteCount)")
        }
        self.bytes = bytes
    }

    public init?(text: String) {
        guard text.utf8.count == Self.byteCount * 2, let bytes = Hex.decode(text) else { return nil }
        self.bytes = bytes
    }

    public var text: String { Hex.encode(bytes) }
    public var description: String { text }

    public static func < (lhs: MessageID, rhs: MessageID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    public static func read(_ reader: inout ByteReader, _ field: String = "message id") throws(WireError) -> MessageID {
        try MessageID(bytes: try reader.raw(byteCount, field))
    }
}
