import FerryCrypto
import FerryWire
import Foundation

/// Envelopes any stranger can make without a key, and offering many of them to a coordinator.
extension HostileIdentity {
    /// A well-formed envelope for `destination` whose sealed body has a padded size (so a relay or
    /// coordinator takes it without opening it) but is `sealed` junk: nobody can open it.
    static func paddedJunk(to destination: Address, sealed: [UInt8]) throws -> Envelope {
        let now = Self.now()
        return Envelope(
            id: try MessageID(bytes: randomBytes(MessageID.byteCount)), destination: destination, created: now,
            expires: now.adding(milliseconds: envelopeLifetimeMilliseconds), ackHash: randomBytes(Envelope.ackHashByteCount),
            hopsLeft: junkHopsLeft, copies: 1, sealed: sealed)
    }

    static let junkHopsLeft: UInt8 = 8

    /// A sealed body of the largest padded size: encapsulated key + the last content bucket + tag.
    static var largestPaddedSealed: [UInt8] {
        let count = EnvelopeSeal.encapsulatedKeyByteCount + WireLimits.sealedContentBucketsBytes.last! + EnvelopeSeal.tagByteCount
        precondition(EnvelopeSeal.isPaddedSealedSize(count))
        return [UInt8](repeating: 0x5a, count: count)
    }
}

/// What a node answered to a flood of envelopes.
struct FloodOutcome {
    /// Envelopes the node took (hop acknowledgement).
    var stored = 0
    /// Refusals by reason, and the id of the first `quota` refusal.
    var refused: [RefuseReason: Int] = [:]
    var firstQuotaRefusal: MessageID?
    var offered = 0
}

extension HostilePeer {
    /// Offers `make()` envelopes in batches of `batch` (one TLS write each) and waits for every
    /// answer of a batch before the next, until the node refuses one with `quota` or `offeredMax`
    /// have been offered. Each batch must be answered within `batchSecondsMax`.
    func flood(
        offeredMax: Int, batch: Int, batchSecondsMax: TimeInterval, make: () throws -> Envelope
    ) throws -> FloodOutcome {
        var outcome = FloodOutcome()
        var read = frames.count
        while outcome.offered < offeredMax && outcome.firstQuotaRefusal == nil {
            let count = min(batch, offeredMax - outcome.offered)
            let envelopes = try (0..<count).map { _ in try make() }
            var waiting = Set(envelopes.map(\.id))
            try writeRaw(try ciphertext(for: envelopes.map { .envelope($0.encoded()) }))
            outcome.offered += count
            try pump("the node answers \(count) envelopes (\(outcome.offered) offered)", seconds: batchSecondsMax) {
                for frame in frames[read...] {
                    switch frame {
                    case .hopAck(let id, _) where waiting.remove(id) != nil:
                        outcome.stored += 1
                    case .refuse(let id, let reason) where waiting.remove(id) != nil:
                        outcome.refused[reason, default: 0] += 1
                        if reason == .quota && outcome.firstQuotaRefusal == nil { outcome.firstQuotaRefusal = id }
                    case .hello, .envelope, .proof, .refuse, .hopAck, .ping, .pong, .close, .sync, .want, .endpoints, .announce, .unknown:
                        break
                    }
                }
                read = frames.count
                return waiting.isEmpty
            }
        }
        return outcome
    }

    /// A barrier: pings and waits for the pong. The node answers frames in order, so anything it
    /// queued for this link before reading the ping has arrived once the pong has.
    func roundTrip(seconds: TimeInterval = HostilePeer.linkSecondsMax) throws {
        let nonce = UInt64.random(in: 1...UInt64.max)
        try send(.ping(nonce: nonce))
        _ = try awaitFrame("the pong for ping \(nonce)", seconds: seconds) {
            if case .pong(nonce) = $0 { return true }
            return false
        }
    }

    /// Envelopes the node sent on this link, decoded.
    var envelopesReceived: [Envelope] {
        frames.compactMap { frame in
            if case .envelope(let bytes) = frame { return try? Envelope.decode(bytes) }
            return nil
        }
    }
}
