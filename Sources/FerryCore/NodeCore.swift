import FerryCrypto
import FerryStore
import FerryWire

/// The sans-I/O heart of a node: link sessions, custody (own messages and relay copies), routing
/// (direct, spray-and-wait), reconciliation, hop acknowledgements and delivery proofs.
///
/// Events go in (`linkOpened`, `linkReceived`, `linkWritten`, `linkClosed`, `tick`, `submit`), each
/// with the time (`CoreTime`: monotonic for timers, wall for message times); actions come out
/// (`CoreAction`). It reads and writes the `MessageStore` but never commits: the driver commits once
/// per loop iteration, then performs the `send` actions — or rolls back after `storeFailed`.
/// Loop-confined, not `Sendable`.
public final class NodeCore {
    public let identity: NodeIdentity
    public let record: IdentityRecord
    public let address: Address
    let store: MessageStore
    let random: RandomSource
    public let limits: CoreLimits
    let custody: Custody
    /// The port this node accepts links on, told to peers in hello (0 if none).
    public var listenPort: UInt16
    /// True for contacts and pinned seeds: their inbound links never count against the stranger
    /// bounds, so strangers cannot take the room kept for them. Set by the driver.
    public var isTrustedPeer: (Address) -> Bool = { _ in false }
    /// How log lines name a peer: the driver maps contacts to their names; else the full address.
    public var displayName: (Address) -> String = { $0.text }

    var sessions: [LinkID: LinkSession] = [:]
    /// Offers on links with no answer yet: a message may be in flight on several links at once
    /// (sprayed to two relays), never twice on one.
    var inflight: [InflightKey: Inflight] = [:]
    /// The reconciliation sets: messages held (pending) and proofs remembered, by sync id.
    var heldSet = SyncIndex()
    var proofSet = SyncIndex()
    /// Bytes of relay copies (and, on a coordinator, of mailboxes) in all, per origin and per
    /// destination, for the quotas.
    var relayUsage = CustodySums(kind: .relay)
    var mailboxUsage = CustodySums(kind: .mailbox)
    /// Whom to link to: seeds, endpoints learnt from beacons and peers.
    var connections = Connections()
    /// Beacons and peer exchange on (`--no-discovery` turns them off; announces stay on).
    public var discoveryEnabled = true
    /// Send LAN beacons (the driver turns it on when it can multicast and listens on a LAN address).
    public var beaconsEnabled = false
    var nextBeacon: MonotonicTime?
    var beaconBudgets = BeaconBudgets()
    /// How each identity record in the directory was learnt, since start.
    var directorySources: [Address: (source: DirectorySource, at: Timestamp)] = [:]
    /// A coordinator: keeps mailboxes for any address, serves records and endpoints, does not relay.
    public var isCoordinator = false
    /// The coordinators this node uses and where each address's mail lives.
    public var ring = CoordinatorRing()
    /// Own messages handed to coordinators, holding the mesh back for them until released.
    var handoffs: [CustodyKey: Handoff] = [:]
    /// Own messages handed to each coordinator since start.
    var handedCounts: [Address: Int] = [:]
    /// When each coordinator's link last dropped (wall clock), for `ferry status`: "down since".
    var coordinatorsDownSince: [Address: Timestamp] = [:]
    /// Copies from each origin that their destination refused as not opening, and the origins that
    /// reached `junkStrikesMax`: nothing more is taken from those.
    var junkStrikes: [Address: Int] = [:]
    var junkOrigins: Set<Address> = []
    /// Announces passed on, so each spreads once.
    var announcesSeen = AnnouncesSeen()
    /// Records learnt from announces since the directory was last trimmed (`trimIdentities`).
    var identitiesLearntSinceTrim = 0
    /// What discovery did, for `ferry status --json`.
    public internal(set) var discoveryCounters = DiscoveryCounters()
    /// When each own message was last offered, for `ferry outbox` (memory only).
    var lastOffered: [CustodyKey: Timestamp] = [:]
    var nextRetry: MonotonicTime?
    var nextHousekeeping: MonotonicTime?
    var pingCounter: UInt64 = 0
    /// Senders' records verified once, not per message.
    let senders = IdentityCache()
    /// What peers made this node refuse or ignore, and what it relayed, for `ferry status`.
    public internal(set) var counters = CoreCounters()

    /// Loads the reconciliation sets from the store.
    public init(
        identity: NodeIdentity, record: IdentityRecord, store: MessageStore, random: RandomSource,
        limits: CoreLimits = CoreLimits(), listenPort: UInt16 = 0, now: Timestamp
    ) throws {
        self.identity = identity
        self.record = record
        self.address = identity.address
        self.store = store
        self.random = random
        self.limits = limits
        self.listenPort = listenPort
        custody = Custody(store: store, limits: limits)
        try loadSyncSets(now: now)
    }

    /// A coordinator says so, and does not offer to relay: nodes hand it mail for the addresses it
    /// is home for, never spray copies to it.
    var hello: Hello {
        isCoordinator
            ? Hello(record: record.encoded(), listenPort: listenPort, flags: Hello.flagCoordinator, capabilities: [.sync, .exchange, .announce])
            : Hello(record: record.encoded(), listenPort: listenPort, capabilities: .all)
    }

    // MARK: Link events

    /// A transport connection is up. A dialler passes the address it expects (or nil when it
    /// dialled an endpoint without knowing who is there) and should have created a client engine.
    /// An inbound connection over the handshake bounds evicts the oldest one still handshaking.
    public func linkOpened(
        _ link: LinkID, engine: TLSEngine, outbound: Bool, expectedPeer: Address?, endpoint: String, now: CoreTime,
        dial: DialID? = nil
    ) -> [CoreAction] {
        precondition(sessions[link] == nil, "link id reused")
        if let dial { connections.dialConnected(dial, link: link) }
        let session = LinkSession(
            id: link, engine: engine, outbound: outbound, expectedPeer: expectedPeer, endpoint: endpoint, now: now,
            limits: limits)
        var actions: [CoreAction] = []
        if !outbound, let evict = handshakeToEvict(for: session) {
            counters.handshakesEvicted += 1
            let failure = LinkSession.Failure(reason: .busy, message: "evicted: too many connections still in their handshake")
            fail(evict, failure, now: now, actions: &actions)
        }
        sessions[link] = session
        emitOutput(session, now: now, into: &actions)
        return actions
    }

    /// Bytes arrived on a link.
    public func linkReceived(_ link: LinkID, bytes: [UInt8], now: CoreTime) -> [CoreAction] {
        guard let session = sessions[link] else { return [] }
        var actions: [CoreAction] = []
        do {
            let frames = try session.receive(bytes, hello: hello, now: now.monotonic)
            if !frames.isEmpty { session.pingOutstanding = false }
            for frame in frames {
                try handle(frame, on: session, now: now, actions: &actions)
                if sessions[link] == nil { return actions }
            }
        } catch {
            fail(link, error, now: now, actions: &actions)
            return actions
        }
        if sessions[link] != nil { emitOutput(session, now: now, into: &actions) }
        return actions
    }

    /// The driver's socket wrote `byteCount` bytes of a `send` action. Below the low-water mark the
    /// link is refilled: this is how sending follows the socket, by bytes.
    public func linkWritten(_ link: LinkID, byteCount: Int, now: CoreTime) -> [CoreAction] {
        guard let session = sessions[link] else { return [] }
        session.wrote(byteCount)
        guard session.isEstablished, session.hasWork, session.queuedBytes <= limits.sendQueueLowWaterBytes else { return [] }
        var actions: [CoreAction] = []
        refill(session, now: now, actions: &actions)
        return actions
    }

    /// The transport connection is gone (EOF, error, or our own close). Its offers without an
    /// answer go back: the copies it was handing on are ours again.
    public func linkClosed(_ link: LinkID, now: CoreTime) -> [CoreAction] {
        guard let session = sessions.removeValue(forKey: link) else { return [] }
        // A connection that never finished its handshake is noise at info level (scanners, floods).
        var actions: [CoreAction] = [.log(session.isEstablished ? .info : .debug, "link to \(describe(session)) closed")]
        endSession(session, now: now, actions: &actions)
        return actions
    }

    /// Links as `ferry peers` shows them.
    public var linkSummaries: [LinkSummary] {
        sessions.values.sorted { $0.id.value < $1.id.value }.map { session in
            LinkSummary(
                link: session.id, peer: session.peer, endpoint: session.endpoint, outbound: session.outbound,
                established: session.isEstablished, since: (session.establishedAt ?? session.openedAt).wall,
                inflight: session.inflightCount, inflightBytes: session.inflightBytes, queuedBytes: session.queuedBytes,
                capabilities: session.capabilities,
                foundBy: session.outbound ? connections.foundBy(session.id) ?? .seed : .inbound)
        }
    }

    /// Addresses of peers with an established link.
    public var connectedPeers: Set<Address> {
        Set(sessions.values.compactMap { $0.isEstablished ? $0.peer : nil })
    }

    // MARK: Helpers shared by the event handlers

    /// Encrypts what the session has queued and hands it to the driver; a TLS failure closes the link.
    func emitOutput(_ session: LinkSession, now: CoreTime, into actions: inout [CoreAction]) {
        do {
            let bytes = try session.takeOutput()
            if !bytes.isEmpty { actions.append(.send(session.id, bytes)) }
            if session.queuedBytes > limits.sendQueueHardLimitBytes {
                counters.linksNotReading += 1
                let message = "the peer is not reading: \(session.queuedBytes) bytes unwritten"
                fail(session.id, LinkSession.Failure(reason: .protocolError, message: message), now: now, actions: &actions)
            }
        } catch {
            fail(session.id, error, now: now, actions: &actions)
        }
    }

    /// Closes a link for a reason: tell the peer (only the reason's fixed text) when the session can
    /// still speak, then close. The detail goes to our log.
    func fail(_ link: LinkID, _ error: Error, now: CoreTime, actions: inout [CoreAction]) {
        guard let session = sessions.removeValue(forKey: link) else { return }
        let failure = error as? LinkSession.Failure
            ?? LinkSession.Failure(reason: .protocolError, message: "\(error)")
        // Peers misbehaving is a warning; a dialler told why is info; load shedding is only counted.
        let level: LogLevel = failure.reason == .busy ? .debug : failure.rejection == nil ? .warning : .info
        actions.append(.log(level, "closing link to \(describe(session)): \(failure.message)"))
        if let rejection = failure.rejection {
            actions.append(.linkRejected(link, rejection))
            connections.linkRejected(link, rejection, peer: session.peer)
        }
        var bytes: [UInt8] = []
        if session.engine.isHandshakeComplete {
            session.send(.close(reason: failure.reason, text: failure.reason.publicText))
            bytes += (try? session.takeOutput()) ?? []
        }
        session.engine.shutdown()
        bytes += session.engine.takeOutput()
        if !bytes.isEmpty { actions.append(.send(link, bytes)) }
        actions.append(.close(link))
        endSession(session, now: now, actions: &actions)
    }

    /// A session is gone, however it ended: its offers go back, its endpoint backs off.
    func endSession(_ session: LinkSession, now: CoreTime, actions: inout [CoreAction]) {
        releaseInflight(of: session, now: now, actions: &actions)
        if session.peerIsCoordinator, session.isEstablished, let coordinator = session.peer {
            coordinatorGone(coordinator, now: now, actions: &actions)
        }
        connections.linkClosed(session.id, wasEstablished: session.isEstablished, now: now.monotonic, unit: randomUnit())
    }

    /// A number in [0, 1) from the injected random source, for jitter.
    func randomUnit() -> Double {
        let bytes = random.bytes(8)
        let value = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(value >> 11) / Double(UInt64(1) << 53)
    }

    /// The established link to `peer` (one per peer once duplicates are settled; the oldest until then).
    func link(to peer: Address) -> LinkSession? {
        sessions.values.filter { $0.isEstablished && $0.peer == peer }.min { $0.id.value < $1.id.value }
    }

    /// Established links, in link order, so every walk over them is deterministic.
    var establishedSessions: [LinkSession] {
        sessions.values.filter(\.isEstablished).sorted { $0.id.value < $1.id.value }
    }

    /// A peer for log lines: its contact name or full address once known, else its endpoint.
    func describe(_ session: LinkSession) -> String {
        session.peer.map(displayName) ?? session.endpoint
    }
}

/// Things peers made this node refuse or ignore, and what it carried for others, for
/// `ferry status --json`.
public struct CoreCounters: Sendable, Equatable {
    /// Connections closed because newer ones arrived while too many were in their handshake.
    public var handshakesEvicted = 0
    /// Links refused after the handshake: duplicates, strangers over their bounds, the node itself.
    public var linksRefused = 0
    /// Pings over the answer rate, not answered.
    public var pingsIgnored = 0
    /// Envelopes addressed to us that did not open.
    public var invalidEnvelopes = 0
    /// Links closed because a frame did not complete in time.
    public var framesTimedOut = 0
    /// Reconciliations dropped because the peer stopped answering for `syncStallMilliseconds`.
    public var syncsAbandoned = 0
    /// Links closed because the peer kept sending but stopped reading (`sendQueueHardLimitBytes`).
    public var linksNotReading = 0
    /// Relay copies handed on (a next hop acknowledged custody) or delivered to their destination.
    public var forwarded = 0
    /// Valid delivery proofs learnt (each (id, ack hash) once).
    public var proofsSeen = 0
    /// Relay copies dropped to make room under the quota.
    public var evicted = 0
    /// Relay copies refused because an origin's or a destination's share was full.
    public var quotaRefusals = 0
}
