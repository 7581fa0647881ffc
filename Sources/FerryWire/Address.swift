/// A node's address: the first 16 bytes of SHA-256 of its Ed25519 public key.
///
/// Printed as 32 lowercase hex characters. Because it is a hash of the signing key, an address
/// commits to the key: anyone holding the key can check the address, nobody can claim it without it.
public struct Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Size on the wire (docs/PROTOCOL.md §Values).
    public static let byteCount = 16

    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(WireError) {
        guard bytes.count == Self.byteCount else {
            throw .invalid(field: "address", reason: "\(bytes.count) bytes, expected \(Self.byteCount)")
        }
        self.bytes = bytes
    }

    /// Parses the 32-character hex text form; nil if it is not one.
    public init?(text: String) {
        guard text.utf8.count == Self.byteCount * 2, let bytes = Hex.decode(text) else { return nil }
        self.bytes = bytes
    }

    public var text: String { Hex.encode(bytes) }
    public var description: String { text }

    /// The first 8 hex characters, for logs and tables.
    public var short: String { String(text.prefix(8)) }

    public static func < (lhs: Address, rhs: Address) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    public static func read(_ reader: inout ByteReader, _ field: String = "address") throws(WireError) -> Address {
        try Address(bytes: try reader.raw(byteCount, field))
    }
}
