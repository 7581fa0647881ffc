import FerryCrypto
import FerryStore
import FerryWire

/// One link's protocol state: TLS engine, framing, hello, keepalive, and the bytes it has in flight.
/// Pure: it turns bytes in into frames and frames out into ciphertext, and never touches a socket
/// (docs/PROTOCOL.md §Link session).
///
/// A class, not a struct: the core changes a session from several places per event, and a copy
/// that is not written back would silently lose a count. Loop-confined (it holds a `TLSEngine`),
/// not `Sendable`.
final class LinkSession {
    enum State: Equatable {
        /// TLS handshake under way.
        case handshaking
        /// TLS done and our hello sent; waiting for the peer's hello.
        case awaitingHello(peer: Address)
        /// Hello exchanged: the peer is `peer`, with a verified identity record.
        case established(peer: Address)
    }

    /// Why the session wants its link closed. `message` is for our log only; the peer is told
    /// nothing but the reason code and its fixed text.
    struct Failure: Error {
        let reason: CloseReason
        let message: String
        var rejection: LinkRejection?

        init(reason: CloseReason, message: String, rejection: LinkRejection? = nil) {
            self.reason = reason
            self.message = message
            self.rejection = rejection
        }
    }

    let id: LinkID
    let engine: TLSEngine
    /// True when we dialled.
    let outbound: Bool
    /// The address a dialler expects; nil for accepted links.
    let expectedPeer: Address?
    let endpoint: String
    /// The remote host (IP literal) without the port, for per-host bounds.
    let host: String
    let openedAt: CoreTime
    private(set) var state: State = .handshaking
    private var decoder = FrameDecoder()
    /// Last complete frame (or handshake start); keepalive and idle timeouts run from it.
    private(set) var lastHeard: MonotonicTime
    /// When the frame now being received started arriving; nil between frames.
    private(set) var partialFrameSince: MonotonicTime?
    var pingOutstanding = false
    var pingAnswers: TokenBucket
    /// Reconciliation messages this peer may still send before it is over its rate.
    var syncBudget: TokenBucket
    var invalidEnvelopes = 0

    /// Messages offered on this link that have no proof yet, and their envelope bytes (the window).
    var inflightCount = 0
    var inflightBytes = 0
    /// The keys in flight on this link by message id, so a refusal (which names only the id) finds
    /// its offers without a walk over every offer of every link.
    var inflightKeys: [MessageID: [CustodyKey]] = [:]
    /// Ciphertext handed to the driver (`send` actions) that it has not reported written yet.
    private(set) var queuedBytes = 0
    /// Encoded frames waiting to be encrypted together at the next `takeOutput`, so several small
    /// frames share one TLS record and frame boundaries do not show on the wire.
    private var pendingPlaintext: [UInt8] = []
    /// Outbox cursor: every pending message with a lower or equal `seq` has been offered here, so a
    /// refill reads only newer ones. The retry timer resets it to offer refused ones again.
    var offeredThroughSeq: Int64 = 0
    /// Set when a refill found nothing newer than the cursor; cleared by a new message or a rewind,
    /// so write completions do not query the store for nothing.
    var outboxExhausted = false
    private(set) var establishedAt: CoreTime?
    /// What the peer said it can do; empty until its hello.
    private(set) var capabilities: Hello.Capabilities = []
    /// Counted against the stranger bounds (inbound, neither a contact nor a pinned seed), decided
    /// once when the link is admitted: the trust check can cost a file stat, and a coordinator with
    /// ten thousand links must not repeat it per link per admission.
    var isStranger = false
    /// The peer said it is a coordinator (hello flag).
    private(set) var peerIsCoordinator = false
    /// The port the peer said it accepts links on (0: none), for peer exchange.
    private(set) var peerListenPort: UInt16 = 0
    /// Peer exchange and announces this peer may still send before it is over its rate.
    var exchangeBudget: TokenBucket
    var announceBudget: TokenBucket
    /// When we last told this peer our endpoints.
    var lastExchange: MonotonicTime?
    /// Held messages waiting to be sprayed on this link (relay offers, after direct ones), in order,
    /// and the same as a set to keep each once. Bounded by `CoreLimits.sprayQueuePerLinkMax`.
    var sprayQueue: [CustodyKey] = []
    var sprayQueued: Set<CustodyKey> = []
    /// Proofs waiting to be pushed on this link, in order from `proofQueueHead`; bounded by
    /// `CoreLimits.proofQueuePerLinkMax` (see `NodeCore.enqueueProof`).
    var proofQueue: [DeliveryProof] = []
    var proofQueueHead = 0
    var proofsQueued: Int { proofQueue.count - proofQueueHead }
    /// Messages the peer told us it holds or knows delivered (refused as `held`, acked, or sent to
    /// us), so they are not offered to it again on this link.
    var peerHolds = BoundedKeySet(capacity: 65_536)
    /// Set reconciliation on this link, per set, while one runs.
    var syncs: [SyncSet: NodeCore.LinkSync] = [:]
    /// When this link last started a reconciliation (monotonic).
    var lastSync: MonotonicTime?

    init(
        id: LinkID, engine: TLSEngine, outbound: Bool, expectedPeer: Address?, endpoint: String, now: CoreTime,
        limits: CoreLimits
    ) {
        self.id = id
        self.engine = engine
        self.outbound = outbound
        self.expectedPeer = expectedPeer
        self.endpoint = endpoint
        self.host = Self.host(of: endpoint)
        self.openedAt = now
        self.lastHeard = now.monotonic
        self.pingAnswers = TokenBucket(perSecond: limits.pingAnswersPerSecond, burst: limits.pingAnswersBurst)
        self.syncBudget = TokenBucket(perSecond: limits.syncMessagesPerSecond, burst: limits.syncMessagesBurst)
        // One exchange per interval on average (a peer sends one at link-up and one per interval).
        self.exchangeBudget = TokenBucket(oneEveryMilliseconds: limits.exchangeIntervalMilliseconds, burst: limits.exchangesBurst)
        self.announceBudget = TokenBucket(perSecond: limits.announcesPerSecond, burst: limits.announcesBurst)
    }

    var peer: Address? {
        switch state {
        case .handshaking: return nil
        case .awaitingHello(let peer), .established(let peer): return peer
        }
    }

    var isEstablished: Bool {
        if case .established = state { return true }
        return false
    }

    /// Something may be offered on this link: the outbox cursor has not run dry, or sprays are queued.
    var hasWork: Bool { !outboxExhausted || !sprayQueue.isEmpty || proofsQueued > 0 }

    /// Bytes held for a frame that has not finished arriving.
    var partialFrameBytes: Int { decoder.bufferedByteCount }

    /// Feeds ciphertext; returns the frames it completed. Sends our hello when TLS completes.
    func receive(_ ciphertext: [UInt8], hello: Hello, now: MonotonicTime) throws(Failure) -> [Frame] {
        let plaintext: [UInt8]
        do { plaintext = try engine.receive(ciphertext: ciphertext) } catch {
            throw Failure(reason: .protocolError, message: "TLS: \(error)", rejection: Self.rejection(for: error))
        }
        if case .handshaking = state, engine.isHandshakeComplete {
            try completeHandshake(hello: hello)
            lastHeard = now
        }
        guard !plaintext.isEmpty else { return [] }
        guard state != .handshaking else { throw Failure(reason: .protocolError, message: "data before handshake") }
        let frames: [Frame]
        do { frames = try decoder.push(plaintext) } catch {
            throw Failure(reason: .protocolError, message: "bad frame: \(error)")
        }
        if !frames.isEmpty { lastHeard = now }
        if decoder.bufferedByteCount == 0 {
            partialFrameSince = nil
        } else if partialFrameSince == nil || !frames.isEmpty {
            partialFrameSince = now
        }
        return frames
    }

    /// A TLS failure that is a pin mismatch is told to the dialler as `wrongPeer`.
    private static func rejection(for error: Error) -> LinkRejection? {
        (error as? PinMismatchReporting)?.isPinMismatch == true ? .wrongPeer : nil
    }

    /// The TLS peer key names the peer; a dialler drops the link if it is not who it dialled.
    private func completeHandshake(hello: Hello) throws(Failure) {
        guard let key = engine.peerSigningKey, key.count == IdentityRecord.signingKeyByteCount else {
            throw Failure(reason: .protocolError, message: "peer presented no Ed25519 key")
        }
        let address = Digests.address(signingKey: key)
        if let expectedPeer, expectedPeer != address {
            throw Failure(reason: .wrongPeer, message: "peer is \(address), expected \(expectedPeer)", rejection: .wrongPeer)
        }
        state = .awaitingHello(peer: address)
        send(.hello(hello))
    }

    /// Checks the peer's hello: its record must be validly signed by the key TLS authenticated.
    func acceptHello(_ hello: Hello, now: CoreTime) throws(Failure) -> VerifiedIdentity {
        guard case .awaitingHello(let peer) = state else {
            throw Failure(reason: .protocolError, message: "unexpected hello")
        }
        guard hello.version == Hello.protocolVersion else {
            throw Failure(reason: .protocolError, message: "peer speaks link protocol \(hello.version), we speak \(Hello.protocolVersion)")
        }
        let identity: VerifiedIdentity
        do { identity = try VerifiedIdentity(encoded: hello.record, now: now.wall) } catch {
            throw Failure(reason: .protocolError, message: "hello record: \(error)")
        }
        guard identity.address == peer else {
            throw Failure(reason: .wrongPeer, message: "hello record is for \(identity.address), TLS key is \(peer)")
        }
        state = .established(peer: peer)
        establishedAt = now
        capabilities = hello.capabilities
        peerListenPort = hello.listenPort
        peerIsCoordinator = hello.flags & Hello.flagCoordinator != 0
        return identity
    }

    /// Queues a frame; it is encrypted with the others at the next `takeOutput`.
    func send(_ frame: Frame) {
        pendingPlaintext += frame.encoded()
    }

    /// Encrypts the queued frames and returns the ciphertext to write, counting it as queued.
    func takeOutput() throws(Failure) -> [UInt8] {
        if !pendingPlaintext.isEmpty {
            let plaintext = pendingPlaintext
            pendingPlaintext = []
            do { try engine.send(plaintext: plaintext) } catch {
                throw Failure(reason: .protocolError, message: "TLS send: \(error)")
            }
        }
        let bytes = engine.takeOutput()
        queuedBytes += bytes.count
        return bytes
    }

    /// Frame bytes queued but not yet encrypted.
    var pendingPlaintextBytes: Int { pendingPlaintext.count }

    /// The driver wrote `byteCount` bytes of what `takeOutput` returned.
    func wrote(_ byteCount: Int) {
        queuedBytes = max(0, queuedBytes - byteCount)
    }

    /// `host:port` or `[v6host]:port` → host.
    static func host(of endpoint: String) -> String {
        if endpoint.hasPrefix("["), let close = endpoint.firstIndex(of: "]") {
            return String(endpoint[endpoint.index(after: endpoint.startIndex)..<close])
        }
        guard let colon = endpoint.lastIndex(of: ":") else { return endpoint }
        return String(endpoint[..<colon])
    }
}
