import Crypto
import FerryWire

/// An identity record whose signature has been checked: safe to seal messages to.
public struct VerifiedIdentity: Sendable {
    public let record: IdentityRecord
    public let address: Address
    let kemPublicKey: XWingMLKEM768X25519.PublicKey
    let signingPublicKey: Curve25519.Signing.PublicKey

    /// Checks the record's self-signature and, if `now` is given, that it has not expired.
    public init(record: IdentityRecord, now: Timestamp?) throws(CryptoError) {
        guard let signing = try? Curve25519.Signing.PublicKey(rawRepresentation: record.signingKey) else {
            throw .badKey("identity record signing key")
        }
        guard signing.isValidSignature(record.signature, for: record.signedBytes) else {
            throw .badSignature("identity record")
        }
        guard let kem = try? XWingMLKEM768X25519.PublicKey(rawRepresentation: record.kemKey) else {
            throw .badKey("identity record X-Wing key")
        }
        if let now, record.expires <= now { throw .expired("identity record") }
        self.record = record
        self.address = Digests.address(signingKey: record.signingKey)
        self.kemPublicKey = kem
        self.signingPublicKey = signing
    }

    /// Decodes and verifies an encoded record.
    public init(encoded: [UInt8], now: Timestamp?) throws(CryptoError) {
        let record: IdentityRecord
        do { record = try IdentityRecord.decode(encoded) } catch { throw .malformed("identity record: \(error)") }
        try self.init(record: record, now: now)
    }

    /// Decodes and verifies a contact card (`ferry1:…`).
    public init(card: String, now: Timestamp?) throws(CryptoError) {
        let record: IdentityRecord
        do { record = try ContactCard.decode(card) } catch { throw .malformed("contact card: \(error)") }
        try self.init(record: record, now: now)
    }

    func isValidSignature(_ signature: [UInt8], for bytes: [UInt8]) -> Bool {
        signingPublicKey.isValidSignature(signature, for: bytes)
    }
}
