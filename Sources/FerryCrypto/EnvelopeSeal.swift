import Crypto
import Foundation
import FerryWire

/// Seals message content to a recipient and opens it again: HPKE (RFC 9180) base mode with the
/// X-Wing KEM, HKDF-SHA256 and ChaCha20-Poly1305 (docs/PROTOCOL.md §Sealing).
///
/// The envelope's fixed header is the AEAD's associated data and is also covered by the sender's
/// signature inside, so neither a relay nor the recipient can re-target or re-date a message.
public enum EnvelopeSeal {
    /// HPKE suite: X-Wing KEM (0x647a), HKDF-SHA256, ChaCha20-Poly1305.
    static let suite = HPKE.Ciphersuite(kem: .XWingMLKEM768X25519, kdf: .HKDF_SHA256, aead: .chaChaPoly)
    /// HPKE `info`: binds the key schedule to this use.
    static let info = Array("ferry envelope v1".utf8)
    /// Size of X-Wing's encapsulated key at the front of the sealed body.
    public static let encapsulatedKeyByteCount = 1120
    /// Size of the ChaCha20-Poly1305 tag at the end of the ciphertext.
    public static let tagByteCount = 16

    /// What to seal, apart from the recipient and sender.
    public struct Draft: Sendable {
        public var id: MessageID
        public var created: Timestamp
        public var expires: Timestamp
        public var contentType: ContentType
        public var body: [UInt8]
        /// 32 random bytes; their SHA-256 goes in the header.
        public var ackSecret: [UInt8]
        public var hopLimit: UInt8
        public var copies: UInt16

        public init(
            id: MessageID, created: Timestamp, expires: Timestamp, contentType: ContentType, body: [UInt8],
            ackSecret: [UInt8], hopLimit: UInt8 = WireLimits.hopLimitDefault, copies: UInt16 = 1
        ) {
            self.id = id
            self.created = created
            self.expires = expires
            self.contentType = contentType
            self.body = body
            self.ackSecret = ackSecret
            self.hopLimit = hopLimit
            self.copies = copies
        }
    }

    /// Seals `draft` from `sender` (whose record `senderRecord` travels inside) to `recipient`.
    public static func seal(
        _ draft: Draft, to recipient: VerifiedIdentity, from sender: NodeIdentity, senderRecord: IdentityRecord
    ) throws -> Envelope {
        guard draft.body.count <= WireLimits.messageBodyBytesMax else {
            throw CryptoError.malformed("body of \(draft.body.count) bytes, limit \(WireLimits.messageBodyBytesMax)")
        }
        guard draft.ackSecret.count == SealedContent.ackSecretByteCount else { throw CryptoError.malformed("ack secret") }
        let record = senderRecord.encoded()
        // Within both limits the content always fits a padding bucket (WireLimits.sealedContentBucketsBytes).
        guard record.count <= WireLimits.identityRecordBytesMax else {
            throw CryptoError.malformed("sender record of \(record.count) bytes, limit \(WireLimits.identityRecordBytesMax)")
        }
        var envelope = Envelope(
            id: draft.id, destination: recipient.address, created: draft.created, expires: draft.expires,
            ackHash: Digests.sha256(draft.ackSecret), hopsLeft: draft.hopLimit, copies: draft.copies, sealed: [])
        let header = envelope.fixedHeader
        var content = SealedContent(
            contentType: draft.contentType, ackSecret: draft.ackSecret, hopLimit: draft.hopLimit,
            senderRecord: record, body: draft.body)
        content.signature = try sender.sign(content.signedBytes(fixedHeader: header))
        var hpke = try HPKE.Sender(recipientKey: recipient.kemPublicKey, ciphersuite: suite, info: Data(info))
        // encoded() pads to a bucket inside the AEAD, so the sealed body's size says little about the body's.
        let ciphertext = try hpke.seal(content.encoded(), authenticating: header)
        envelope.sealed = Array(hpke.encapsulatedKey) + Array(ciphertext)
        return envelope
    }

    /// A message opened and verified.
    public struct Opened: Sendable {
        public let sender: VerifiedIdentity
        public let content: SealedContent
        /// Hops the message took: 1 when it came straight from the sender. `hopsLeft` is not
        /// authenticated, so a relay that raised it above the sealed limit gets no wrap-around: 1.
        public var hops: UInt8 {
            content.hopLimit >= hopsLeftAtArrival ? min(content.hopLimit - hopsLeftAtArrival, 254) + 1 : 1
        }
        let hopsLeftAtArrival: UInt8
    }

    /// True when a sealed body of `count` bytes is one that padded content gives (encapsulated key +
    /// a bucket + tag). Relays check it before taking custody: anything else cannot be a message.
    public static func isPaddedSealedSize(_ count: Int) -> Bool {
        WireLimits.sealedContentBucketsBytes.contains(count - encapsulatedKeyByteCount - tagByteCount)
    }

    /// Opens an envelope addressed to `recipient`, checks the sender's signature, and that the ack
    /// hash in the header matches the sealed secret. Throws `CryptoError` on any mismatch. Only
    /// padded content (`SealedContent.version` 2) opens.
    /// With `senders`, a sender record seen before is not verified again.
    public static func open(
        _ envelope: Envelope, as recipient: NodeIdentity, senders: IdentityCache? = nil
    ) throws(CryptoError) -> Opened {
        guard envelope.destination == recipient.address else { throw .wrongRecipient }
        // A size no padded content gives is refused before the X-Wing decapsulation, the costly step.
        guard isPaddedSealedSize(envelope.sealed.count) else {
            throw .cannotOpen("sealed body of \(envelope.sealed.count) bytes is not a padded size")
        }
        let header = envelope.fixedHeader
        let plaintext: Data
        do {
            let encapsulated = Data(envelope.sealed[0..<encapsulatedKeyByteCount])
            var hpke = try HPKE.Recipient(
                privateKey: recipient.kemKey, ciphersuite: suite, info: Data(info), encapsulatedKey: encapsulated)
            plaintext = try hpke.open(Data(envelope.sealed[encapsulatedKeyByteCount...]), authenticating: header)
        } catch {
            throw .cannotOpen("authentication failed")
        }
        let content: SealedContent
        do { content = try SealedContent.decode(Array(plaintext)) } catch { throw .malformed("sealed content: \(error)") }
        let sender: VerifiedIdentity
        if let senders {
            sender = try senders.identity(encoded: content.senderRecord)
        } else {
            sender = try VerifiedIdentity(encoded: content.senderRecord, now: nil)
        }
        guard sender.isValidSignature(content.signature, for: content.signedBytes(fixedHeader: header)) else {
            throw .badSignature("message from \(sender.address)")
        }
        guard Digests.sha256(content.ackSecret) == envelope.ackHash else { throw .malformed("ack hash") }
        return Opened(sender: sender, content: content, hopsLeftAtArrival: envelope.hopsLeft)
    }
}
