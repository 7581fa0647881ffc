import FerryCrypto
import FerryWire

/// One link's protocol state: TLS engine, framing, hello, keepalive. Pure: it turns bytes in into
/// frames and frames out into ciphertext, and never touches a socket (docs/PROTOCOL.md §Link session).
///
/// Loop-confined (it holds a `TLSEngine`), not `Sendable`.
struct LinkSession {
    enum State: Equatable {
        /// TLS handshake under way.
        case handshaking
        /// TLS done and our hello sent; waiting for the peer's hello.
        case awaitingHello(peer: Address)
        /// Hello exchanged: the peer is `peer`, with a verified identity record.
        case established(peer: Address)
    }

    /// Why the session wants its link closed.
    struct Failure: Error {
        let reason: CloseReason
        let message: String
    }

    let id: LinkID
    let engine: TLSEngine
    /// True when we dialled.
    let outbound: Bool
    /// The address a dialler expects; nil for accepted links.
    let expectedPeer: Address?
    let endpoint: String
    let openedAt: Timestamp
    private(set) var state: State = .handshaking
    private var decoder = FrameDecoder()
    var lastHeard: Timestamp
    var pingOutstanding = false
    /// Messages offered on this link that have no proof yet (the window).
    var inflightCount = 0
    /// Outbox cursor: every pending message with a lower or equal `seq` has been offered here, so a
    /// refill reads only newer ones. The retry timer resets it to offer refused ones again.
    var offeredThroughSeq: Int64 = 0
    var establishedAt: Timestamp?

    init(id: LinkID, engine: TLSEngine, outbound: Bool, expectedPeer: Address?, endpoint: String, now: Timestamp) {
        self.id = id
        self.engine = engine
        self.outbound = outbound
        self.expectedPeer = expectedPeer
        self.endpoint = endpoint
        self.openedAt = now
        self.lastHeard = now
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

    /// Feeds ciphertext; returns the frames it completed. Sends our hello when TLS completes.
    mutating func receive(_ ciphertext: [UInt8], hello: Hello, now: Timestamp) throws(Failure) -> [Frame] {
        lastHeard = now
        pingOutstanding = false
        let plaintext: [UInt8]
        do { plaintext = try engine.receive(ciphertext: ciphertext) } catch {
            throw Failure(reason: .protocolError, message: "TLS: \(error)")
        }
        if case .handshaking = state, engine.isHandshakeComplete {
            try completeHandshake(hello: hello)
        }
        guard !plaintext.isEmpty else { return [] }
        guard !(state == .handshaking) else { throw Failure(reason: .protocolError, message: "data before handshake") }
        do { return try decoder.push(plaintext) } catch {
            throw Failure(reason: .protocolError, message: "bad frame: \(error)")
        }
    }

    /// The TLS peer key names the peer; a dialler drops the link if it is not who it dialled.
    private mutating func completeHandshake(hello: Hello) throws(Failure) {
        guard let key = engine.peerSigningKey, key.count == IdentityRecord.signingKeyByteCount else {
            throw Failure(reason: .protocolError, message: "peer presented no Ed25519 key")
        }
        let address = Digests.address(signingKey: key)
        if let expectedPeer, expectedPeer != address {
            throw Failure(reason: .wrongPeer, message: "peer is \(address), expected \(expectedPeer)")
        }
        state = .awaitingHello(peer: address)
        try send(.hello(hello))
    }

    /// Checks the peer's hello: its record must be validly signed by the key TLS authenticated.
    mutating func acceptHello(_ hello: Hello, now: Timestamp) throws(Failure) -> VerifiedIdentity {
        guard case .awaitingHello(let peer) = state else {
            throw Failure(reason: .protocolError, message: "unexpected hello")
        }
        guard hello.version == Hello.protocolVersion else {
            throw Failure(reason: .protocolError, message: "peer speaks link protocol \(hello.version), we speak \(Hello.protocolVersion)")
        }
        let identity: VerifiedIdentity
        do { identity = try VerifiedIdentity(encoded: hello.record, now: now) } catch {
            throw Failure(reason: .protocolError, message: "hello record: \(error)")
        }
        guard identity.address == peer else {
            throw Failure(reason: .wrongPeer, message: "hello record is for \(identity.address), TLS key is \(peer)")
        }
        state = .established(peer: peer)
        establishedAt = now
        return identity
    }

    /// Encrypts a frame into the engine; take the ciphertext with `takeOutput()`.
    func send(_ frame: Frame) throws(Failure) {
        do { try engine.send(plaintext: frame.encoded()) } catch {
            throw Failure(reason: .protocolError, message: "TLS send: \(error)")
        }
    }

    func takeOutput() -> [UInt8] { engine.takeOutput() }
}
