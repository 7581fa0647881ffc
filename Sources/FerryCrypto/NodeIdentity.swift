import Crypto
import FerryWire

/// A node's private identity: an Ed25519 signing key and an X-Wing (ML-KEM-768 + X25519)
/// key-encapsulation key. Both are kept as 32-byte seeds in the data directory (`secret`).
public struct NodeIdentity: Sendable {
    /// Size of `secret`: Ed25519 seed 32 + X-Wing seed 32.
    public static let secretByteCount = 64

    let signingKey: Curve25519.Signing.PrivateKey
    let kemKey: XWingMLKEM768X25519.PrivateKey

    /// A new identity from the system's random source.
    public static func generate() throws -> NodeIdentity {
        NodeIdentity(signingKey: Curve25519.Signing.PrivateKey(), kemKey: try XWingMLKEM768X25519.PrivateKey.generate())
    }

    /// Restores an identity from the 64 bytes of `secret`.
    public init(secret: [UInt8]) throws(CryptoError) {
        guard secret.count == Self.secretByteCount else {
            throw .badKey("identity secret is \(secret.count) bytes, expected \(Self.secretByteCount)")
        }
        do {
            signingKey = try Curve25519.Signing.PrivateKey(rawRepresentation: secret[0..<32])
            kemKey = try XWingMLKEM768X25519.PrivateKey(seedRepresentation: Array(secret[32..<64]), publicKey: nil)
        } catch {
            throw .badKey("identity secret does not hold valid keys")
        }
    }

    init(signingKey: Curve25519.Signing.PrivateKey, kemKey: XWingMLKEM768X25519.PrivateKey) {
        self.signingKey = signingKey
        self.kemKey = kemKey
    }

    /// The bytes to keep (mode 0600) so this identity can be restored.
    public var secret: [UInt8] { Array(signingKey.rawRepresentation) + Array(kemKey.seedRepresentation) }

    /// The 32-byte Ed25519 seed, for the TLS certificate.
    public var signingSeed: [UInt8] { Array(signingKey.rawRepresentation) }

    public var signingPublicKey: [UInt8] { Array(signingKey.publicKey.rawRepresentation) }

    public var address: Address { Digests.address(signingKey: signingPublicKey) }

    /// A signed identity record valid from `created` to `expires`.
    public func record(created: Timestamp, expires: Timestamp) throws -> IdentityRecord {
        var record = IdentityRecord(
            signingKey: signingPublicKey, kemKey: Array(kemKey.publicKey.rawRepresentation),
            created: created, expires: expires)
        record.signature = try sign(record.signedBytes)
        return record
    }

    func sign(_ bytes: [UInt8]) throws -> [UInt8] { Array(try signingKey.signature(for: bytes)) }
}
