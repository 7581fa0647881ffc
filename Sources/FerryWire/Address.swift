/// A node's address: the first 16 bytes of SHA-256 of its Ed25519 public key.
///
/// Printed as 32 lowercase hex characters. Because it is a hash of the signing key, an address
/// commits to the key: anyone holding the key can check the address, nobody can claim it without it.
public struct Address: FixedBytesValue {
    public static let byteCount = 16
    public static let fieldName = "address"

    public let bytes: [UInt8]

    public init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// The first 8 hex characters, for logs and tables.
    public var short: String { String(text.prefix(8)) }
}
