import FerryWire

/// Timing, size and count limits of the core (STYLE.md: unit last in the name). Every bound on what
/// a peer can make the node hold or do is here. Times are on the monotonic clock.
public struct CoreLimits: Sendable {
    /// Close a link whose TLS handshake and hello have not finished by then.
    public var handshakeTimeoutMilliseconds: UInt64 = 10_000
    /// Send a ping when no frame has been heard on a link for this long.
    public var keepaliveIntervalMilliseconds: UInt64 = 15_000
    /// Close a link when no complete frame has been heard for this long. Bytes that never finish a
    /// frame do not count: a peer dripping one byte at a time does not keep a link alive.
    public var idleTimeoutMilliseconds: UInt64 = 45_000
    /// A frame that has started arriving must be complete within this time.
    public var frameCompletionMilliseconds: UInt64 = 30_000

    /// The send side counts bytes, one unit from the window down to the socket: envelopes are added
    /// to a link while its unwritten ciphertext is below the high-water mark…
    public var sendQueueHighWaterBytes = 1 << 20
    /// …and refilling resumes when the socket has written it down to the low-water mark.
    public var sendQueueLowWaterBytes = 256 << 10
    /// Envelope bytes offered on one link without a proof yet. A peer that reads but never answers
    /// gets no more than this.
    public var inflightPerLinkBytesMax = 16 << 20

    /// Connections still in their TLS handshake, in all and from one host. A new one over either
    /// bound evicts the oldest of its kind, so a flood cannot lock out a real peer that completes
    /// its handshake in milliseconds.
    public var handshakingLinksMax = 64
    public var handshakingLinksPerHostMax = 16
    /// Established inbound links from peers that are neither contacts nor seeds, in all and from one
    /// host. Contacts, pinned seeds and links we dialled are not counted: room is kept for them.
    public var strangerLinksMax = 256
    public var strangerLinksPerHostMax = 16
    /// Pings a peer may make us answer: `pingAnswersPerSecond` on average, `pingAnswersBurst` at once.
    public var pingAnswersPerSecond: UInt64 = 2
    public var pingAnswersBurst: UInt64 = 10
    /// Envelopes addressed to us that do not open (each costs a decapsulation) before the link is closed.
    public var invalidEnvelopesPerLinkMax = 3

    /// Offer pending messages again to connected peers this often (after a refusal, say).
    public var retryIntervalMilliseconds: UInt64 = 30_000
    /// Expire old outbound messages and seen ids this often.
    public var housekeepingIntervalMilliseconds: UInt64 = 60_000
    /// Lifetime of a new message (wall clock: it is written into the envelope).
    public var messageLifetimeMilliseconds: UInt64 = WireLimits.messageLifetimeDefaultMilliseconds

    public init() {}
}
