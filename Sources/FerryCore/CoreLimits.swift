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
    /// Unwritten bytes at which a link is closed: only a peer that stops reading while it keeps
    /// sending (requests we must answer: syncs, envelopes, pings) gets here, since everything we
    /// start ourselves waits for the high-water mark.
    public var sendQueueHardLimitBytes = 8 << 20
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
    /// Copies from one origin that their destination refused as not opening, before every copy from
    /// that origin is dropped and nothing more taken from it (while this node runs).
    public var junkStrikesMax = 3

    /// Relay custody (bytes of envelopes held for others): in all, from one origin peer, and for one
    /// destination. Over the total the oldest-expiring relay copies are evicted; over an origin's or
    /// a destination's share new copies from it are refused (`quota`), so one stranger fills only
    /// its share. Own messages are never evicted and not counted here.
    public var relayBytesMax = 256 << 20
    public var relayBytesPerOriginMax = 32 << 20
    public var relayBytesPerDestinationMax = 32 << 20
    /// Coordinator mailboxes (the `mailbox` custody kind): bytes in all and for one address.
    public var mailboxBytesMax = 1 << 30
    public var mailboxBytesPerAddressMax = 64 << 20
    /// Keepalive and idle timeout on links to coordinators: shorter, so one that is down is noticed
    /// within seconds (a refused connect or a lost link is noticed at once anyway).
    public var coordinatorKeepaliveMilliseconds: UInt64 = 2_000
    public var coordinatorIdleTimeoutMilliseconds: UInt64 = 6_000
    /// A message handed to a coordinator is also released into the mesh when no proof has come
    /// within this time (or at once if the coordinator link drops first).
    public var coordinatorReleaseMilliseconds: UInt64 = 3_000

    /// Spray-and-wait: the copy budget a new message starts with. A holder with more than one copy
    /// hands half on to a relay; with one it waits to meet the destination.
    public var sprayCopiesInitial: UInt16 = 8
    /// Messages queued per link for spraying (offers waiting for room in the window).
    public var sprayQueuePerLinkMax = 4096
    /// Delivery proofs queued per link to be pushed (found lacking by a sync, or spread as
    /// anti-packets), sent as the socket drains. Beyond it they are left for the next sync.
    public var proofQueuePerLinkMax = 16_384
    /// Delivery proofs remembered (anyone can make a proof for an id of their own, so the table is
    /// bounded; the ones nearest expiry go first), and how long one is kept when its message is unknown.
    public var proofsMax = 100_000
    public var proofLifetimeDefaultMilliseconds: UInt64 = WireLimits.messageLifetimeDefaultMilliseconds
    /// How long a delivered own message stays listed (for `send --wait` after the fact).
    public var deliveredKeepMilliseconds: UInt64 = 24 * 3600 * 1000
    /// Reconcile with each relay peer this often, besides once when the link comes up.
    public var syncIntervalMilliseconds: UInt64 = 60_000
    /// Reconciliation messages a peer may send: each costs a pass over its ranges, so a peer that
    /// starts syncs back to back is held to this rate (a whole sync from an empty set takes about 30).
    public var syncMessagesPerSecond: UInt64 = 20
    public var syncMessagesBurst: UInt64 = 300
    /// A reconciliation that hears nothing for this long is dropped (the peer is slow or silent),
    /// so the next can start at `syncIntervalMilliseconds`. Shorter than the idle timeout, so a
    /// peer that answers pings but not syncs is noticed too.
    public var syncStallMilliseconds: UInt64 = 30_000

    /// Links the node aims for through discovery (beacons, exchange); seeds are dialled whatever
    /// the count. Dials of discovered endpoints in flight at once, endpoints remembered, and how long
    /// a learnt endpoint nobody mentions again is kept.
    public var targetLinks = 8
    public var dialsInFlightMax = 4
    public var endpointsMax = 256
    public var endpointStaleMilliseconds: UInt64 = 600_000

    /// LAN beacons: one every interval (±25 % jitter); a beacon more than `beaconFreshnessMilliseconds`
    /// from our wall clock is stale; at most so many are checked per second from one source host and
    /// in all (each costs an Ed25519 verification), the rest are dropped and counted.
    public var beaconIntervalMilliseconds: UInt64 = 5_000
    public var beaconFreshnessMilliseconds: UInt64 = 60_000
    public var beaconsPerSourcePerSecond: UInt64 = 2
    public var beaconsPerSourceBurst: UInt64 = 5
    public var beaconsPerSecond: UInt64 = 50
    public var beaconsBurst: UInt64 = 100
    /// Source hosts whose beacon budgets are remembered (the oldest is forgotten beyond it).
    public var beaconSourcesMax = 256

    /// Peer exchange: sent when a link comes up and this often after; frames a peer may send
    /// (on average one per `exchangeIntervalMilliseconds`, a few at once).
    public var exchangeIntervalMilliseconds: UInt64 = 300_000
    public var exchangesBurst: UInt64 = 3

    /// Announces: hops a new announce may take; records sent to a peer when a link comes up (our own
    /// and the most recently learnt); announces a peer may send a second, and at once.
    public var announceHopLimit: UInt8 = 8
    public var announcesOnLinkUpMax = 64
    public var announcesPerSecond: UInt64 = 10
    public var announcesBurst: UInt64 = 100
    /// Identity records kept in the store (the directory): beyond this the least recently stored
    /// go, checked every `identitiesTrimEvery` records learnt from announces and at housekeeping.
    public var identitiesKeptMax = 20_000
    public var identitiesTrimEvery = 500

    /// Offer pending messages again to connected peers this often (after a refusal, say).
    public var retryIntervalMilliseconds: UInt64 = 30_000
    /// Expire old outbound messages and seen ids this often.
    public var housekeepingIntervalMilliseconds: UInt64 = 60_000
    /// Lifetime of a new message (wall clock: it is written into the envelope).
    public var messageLifetimeMilliseconds: UInt64 = WireLimits.messageLifetimeDefaultMilliseconds

    public init() {}
}
