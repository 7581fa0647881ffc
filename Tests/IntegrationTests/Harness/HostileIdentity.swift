import FerryCrypto
import FerryWire
import Foundation

/// A self-made Ferry identity for a peer the test plays: keys, a signed identity record, the
/// contact card a node can add, and sealing of envelopes as this identity.
struct HostileIdentity {
    let identity: NodeIdentity
    let record: IdentityRecord

    /// How long a made-up record stays valid.
    static let recordLifetimeMilliseconds: UInt64 = 30 * 24 * 3600 * 1000
    /// How long a made-up envelope stays valid.
    static let envelopeLifetimeMilliseconds: UInt64 = 24 * 3600 * 1000

    static func generate() throws -> HostileIdentity {
        let identity = try NodeIdentity.generate()
        let now = Self.now()
        let record = try identity.record(created: now, expires: now.adding(milliseconds: recordLifetimeMilliseconds))
        return HostileIdentity(identity: identity, record: record)
    }

    var address: Address { identity.address }

    /// The one-line card for `ferry contacts add`.
    var card: String { ContactCard.encode(record) }

    /// A valid envelope from this identity to the node whose card is `recipientCard`. `id` and
    /// `ackSecret` default to fresh random ones; pass a known id to make a decoy.
    func seal(
        _ text: String, toCard recipientCard: String, id: MessageID? = nil, ackSecret: [UInt8]? = nil
    ) throws -> Envelope {
        let recipient = try VerifiedIdentity(card: recipientCard, now: nil)
        let now = Self.now()
        let draft = EnvelopeSeal.Draft(
            id: try id ?? MessageID(bytes: Self.randomBytes(MessageID.byteCount)), created: now,
            expires: now.adding(milliseconds: Self.envelopeLifetimeMilliseconds), contentType: .text, body: Array(text.utf8),
            ackSecret: ackSecret ?? Self.randomBytes(SealedContent.ackSecretByteCount))
        return try EnvelopeSeal.seal(draft, to: recipient, from: identity, senderRecord: record)
    }

    static func now() -> Timestamp { Timestamp(milliseconds: UInt64(Date().timeIntervalSince1970 * 1000)) }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
