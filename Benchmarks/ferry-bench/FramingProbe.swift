import FerryWire

/// In-process cost of the framing one relay copy takes at the relay, without TLS or the store:
/// split an envelope frame out of the byte stream, decode the envelope, and encode the hop ack
/// frame that answers it. It is the part of scenario 7's work per copy that is pure codec.
enum FramingProbe {
    /// Microseconds per relay copy, over `samples` envelopes of `envelopeBytes` each.
    static func measure(envelopeBytes: Int, samples: Int) throws -> Double {
        var random = SeededRandom(seed: Payload.seed ^ 0xF4A3E)
        let headerBytes = Envelope.fixedHeaderByteCount + 1 + 2 + 4
        let envelope = Envelope(
            id: MessageID(unchecked: random.bytes(MessageID.byteCount)),
            destination: Address(unchecked: random.bytes(Address.byteCount)),
            created: Timestamp(milliseconds: 1_800_000_000_000), expires: Timestamp(milliseconds: 1_800_003_600_000),
            ackHash: random.bytes(Envelope.ackHashByteCount), hopsLeft: 8, copies: 4,
            sealed: random.bytes(max(0, envelopeBytes - headerBytes)))
        let frame = Frame.envelope(envelope.encoded()).encoded()
        var decoder = FrameDecoder()
        var acked = 0
        let start = MonotonicClock.nanoseconds()
        for _ in 0..<samples {
            for case .envelope(let bytes) in try decoder.push(frame) {
                let decoded = try Envelope.decode(bytes)
                acked += Frame.hopAck(id: decoded.id, ackHash: decoded.ackHash).encoded().count
            }
        }
        precondition(acked == samples * (Frame.lengthByteCount + 1 + MessageID.byteCount + Envelope.ackHashByteCount))
        return Double(MonotonicClock.nanoseconds() - start) / 1e3 / Double(samples)
    }
}
