/// A node's public identity: how others learn its key-encapsulation key (docs/PROTOCOL.md §Identity record).
///
/// Signed by the node's Ed25519 key; FerryCrypto makes and verifies the signature. A newer record
/// (later `created`) replaces an older one, which is how KEM keys rotate.
public struct IdentityRecord: Sendable, Equatable {
    /// Format version (1 byte).
    public static let version: UInt8 = 1
    /// Size of a raw Ed25519 public key.
    public static let signingKeyByteCount = 32
    /// Largest KEM public key accepted (X-Wing's is 1216 bytes).
    public static let kemKeyBytesMax = 1536
    /// Size of an Ed25519 signature.
    public static let signatureByteCount = 64
    /// Domain separation for the record's signature.
    public static let signatureContext = Array("ferry-identity-v1".utf8)

    public var signingKey: [UInt8]
    public var kemKey: [UInt8]
    public var created: Timestamp
    public var expires: Timestamp
    public var signature: [UInt8]

    public init(signingKey: [UInt8], kemKey: [UInt8], created: Timestamp, expires: Timestamp, signature: [UInt8] = []) {
        self.signingKey = signingKey
        self.kemKey = kemKey
        self.created = created
        self.expires = expires
        self.signature = signature
    }

    /// Everything the signature covers, after the context string.
    public var unsignedBytes: [UInt8] {
        var writer = ByteWriter(capacity: 64 + kemKey.count)
        writer.u8(Self.version)
        writer.raw(signingKey)
        writer.bytes16(kemKey)
        writer.u64(created.milliseconds)
        writer.u64(expires.milliseconds)
        return writer.bytes
    }

    public var signedBytes: [UInt8] { Self.signatureContext + unsignedBytes }

    public func encoded() -> [UInt8] { unsignedBytes + signature }

    public static func decode(_ bytes: [UInt8]) throws(WireError) -> IdentityRecord {
        guard bytes.count <= WireLimits.identityRecordBytesMax else {
            throw .tooLong(field: "identity record", length: bytes.count, max: WireLimits.identityRecordBytesMax)
        }
        var reader = ByteReader(bytes)
        let version = try reader.u8("identity version")
        guard version == Self.version else { throw .unsupportedVersion(version) }
        let signingKey = try reader.raw(signingKeyByteCount, "signing key")
        let kemKey = try reader.bytes16("kem key", max: kemKeyBytesMax)
        let created = Timestamp(milliseconds: try reader.u64("created"))
        let expires = Timestamp(milliseconds: try reader.u64("expires"))
        let signature = try reader.raw(signatureByteCount, "identity signature")
        try reader.expectEnd()
        return IdentityRecord(signingKey: signingKey, kemKey: kemKey, created: created, expires: expires, signature: signature)
    }
}
