import FerryCrypto
import FerryWire

/// In-process cost of the end-to-end crypto, and the message rate it allows per core.
struct CryptoBound: Codable {
    var iterations: Int
    var bodyBytes: Int
    /// `EnvelopeSeal.seal`: X-Wing encapsulation + Ed25519 signature + HPKE seal.
    var sealMicroseconds: Double
    /// `EnvelopeSeal.open`: X-Wing decapsulation + HPKE open + Ed25519 verifies.
    var openMicroseconds: Double
    /// Encoded size of one sealed envelope for this body (the content is padded to a bucket, so
    /// every envelope of one body size has the same length).
    var envelopeBytes: Int
    /// Per message the sender seals once and the recipient opens once (the delivery proof is the
    /// receipt: nothing is sealed back, and relays neither seal nor open). With a core per node the
    /// slower side sets the pace: at most 1 / max(seal, open) messages per second.
    var boundMessagesPerSecondPerCore: Double
    /// Both ends' crypto on one core together, 1 / (seal + open): what one message costs the
    /// machine, not a per-node bound.
    var bothEndsOnOneCoreMessagesPerSecond: Double

    static func measure(iterations: Int, bodyBytes: Int) throws -> CryptoBound {
        var random = SeededRandom(seed: Payload.seed ^ 0xC0FFEE)
        let now = Timestamp(milliseconds: 1_800_000_000_000)
        let sender = try NodeIdentity.generate(), recipient = try NodeIdentity.generate()
        let senderRecord = try sender.record(created: now, expires: now.adding(milliseconds: 86_400_000))
        let recipientRecord = try recipient.record(created: now, expires: now.adding(milliseconds: 86_400_000))
        let to = try VerifiedIdentity(record: recipientRecord, now: nil)
        let drafts = try (0..<iterations).map { _ in
            EnvelopeSeal.Draft(
                id: try MessageID(bytes: random.bytes(MessageID.byteCount)), created: now,
                expires: now.adding(milliseconds: 3_600_000), contentType: .text, body: random.bytes(bodyBytes),
                ackSecret: random.bytes(SealedContent.ackSecretByteCount))
        }
        // Warm up caches and lazy initialisation outside the timed loops.
        for draft in drafts.prefix(10) { _ = try EnvelopeSeal.open(try EnvelopeSeal.seal(draft, to: to, from: sender, senderRecord: senderRecord), as: recipient) }

        var envelopes: [Envelope] = []
        envelopes.reserveCapacity(iterations)
        let sealStart = MonotonicClock.nanoseconds()
        for draft in drafts { envelopes.append(try EnvelopeSeal.seal(draft, to: to, from: sender, senderRecord: senderRecord)) }
        let sealEnd = MonotonicClock.nanoseconds()
        var opened = 0
        for envelope in envelopes { opened += try EnvelopeSeal.open(envelope, as: recipient).content.body.count }
        let openEnd = MonotonicClock.nanoseconds()
        precondition(opened == iterations * bodyBytes, "every envelope opens to its body")

        let seal = Double(sealEnd - sealStart) / 1e3 / Double(iterations)
        let open = Double(openEnd - sealEnd) / 1e3 / Double(iterations)
        return CryptoBound(
            iterations: iterations, bodyBytes: bodyBytes, sealMicroseconds: seal, openMicroseconds: open,
            envelopeBytes: envelopes.first?.encoded().count ?? 0, boundMessagesPerSecondPerCore: 1e6 / max(seal, open),
            bothEndsOnOneCoreMessagesPerSecond: 1e6 / (seal + open))
    }
}
