/// A link frame: what two nodes say to each other inside TLS (docs/PROTOCOL.md §Link frames).
///
/// On the wire: u32 length of (type + payload), u8 type, payload. The length is checked against
/// `WireLimits.frameBytesMax` before anything is buffered.
public enum Frame: Sendable, Equatable {
    /// First frame each side sends: protocol version, identity record, listen port, role flags and
    /// capability bits.
    case hello(Hello)
    /// Custody offer: an encoded `Envelope`.
    case envelope([UInt8])
    /// Delivery proof: the message id and its ack secret (SHA-256 of which is the envelope's ack hash),
    /// with the path and hops the destination saw. Spreads through the mesh as an anti-packet.
    case proof(DeliveryProof)
    /// The receiver would not take a message; the sender keeps custody.
    case refuse(id: MessageID, reason: RefuseReason)
    case ping(nonce: UInt64)
    case pong(nonce: UInt64)
    /// The sender is closing the link, and why.
    case close(reason: CloseReason, text: String)
    /// Hop-level custody transfer: "I stored (id, ack hash) durably; I carry it on". Separate from
    /// the end-to-end proof, which comes later from the destination.
    case hopAck(id: MessageID, ackHash: [UInt8])
    /// One message of a set reconciliation (docs/PROTOCOL.md §Set reconciliation) over `set`.
    case sync(set: SyncSet, message: [UInt8])
    /// After a reconciliation: the items of `set` (by sync id) the sender lacks and asks for.
    case want(set: SyncSet, ids: [[UInt8]])
    /// Peer exchange: endpoints the sender knows, so a node with one seed finds the rest.
    case endpoints([EndpointEntry])
    /// An identity record spreading through the mesh, with the hops it may still take.
    case announce(hopsLeft: UInt8, record: [UInt8])
    /// A frame type this build does not know: skipped, so the protocol can grow without a flag day.
    case unknown(type: UInt8)

    /// Frame type codes (1 byte).
    public enum Kind: UInt8, Sendable {
        case hello = 0x01
        case envelope = 0x02
        case proof = 0x03
        case refuse = 0x04
        case ping = 0x05
        case pong = 0x06
        case close = 0x07
        case hopAck = 0x08
        case sync = 0x09
        case want = 0x0a
        case endpoints = 0x0b
        case announce = 0x0c
    }

    /// Size of the length prefix.
    public static let lengthByteCount = 4

    /// The type code; nil for an unknown frame.
    public var kind: Kind? {
        switch self {
        case .hello: return .hello
        case .envelope: return .envelope
        case .proof: return .proof
        case .refuse: return .refuse
        case .ping: return .ping
        case .pong: return .pong
        case .close: return .close
        case .hopAck: return .hopAck
        case .sync: return .sync
        case .want: return .want
        case .endpoints: return .endpoints
        case .announce: return .announce
        case .unknown: return nil
        }
    }
}

/// Which set a reconciliation runs over (1 byte).
public enum SyncSet: UInt8, Sendable {
    /// Messages held in custody, keyed by (created, sync id of (id, ack hash)).
    case messages = 1
    /// Delivery proofs remembered (anti-packets), keyed by (expires, sync id).
    case proofs = 2
}

/// The hello frame's payload.
public struct Hello: Sendable, Equatable {
    /// Link protocol version this build speaks (2 bytes). Version 2 added the capability bits.
    public static let protocolVersion: UInt16 = 2
    /// Role flag: the sender is a coordinator.
    public static let flagCoordinator: UInt8 = 0x01

    /// Capability bits (4 bytes): what the sender can do beyond direct delivery. A peer without a
    /// bit still works for everything else; a node never sends frames a peer did not announce.
    public struct Capabilities: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// Takes custody of messages for others (envelope for another destination, hop acks).
        public static let relay = Capabilities(rawValue: 1 << 0)
        /// Speaks set reconciliation (`sync`, `want`).
        public static let sync = Capabilities(rawValue: 1 << 1)
        /// Takes part in peer exchange (`endpoints`).
        public static let exchange = Capabilities(rawValue: 1 << 2)
        /// Spreads identity records (`announce`).
        public static let announce = Capabilities(rawValue: 1 << 3)
        /// Everything this build does.
        public static let all: Capabilities = [.relay, .sync, .exchange, .announce]
    }

    public var version: UInt16
    public var record: [UInt8]
    /// TCP port the sender accepts links on; 0 if it does not listen.
    public var listenPort: UInt16
    public var flags: UInt8
    public var capabilities: Capabilities

    public init(
        version: UInt16 = Hello.protocolVersion, record: [UInt8], listenPort: UInt16, flags: UInt8 = 0,
        capabilities: Capabilities = .all
    ) {
        self.version = version
        self.record = record
        self.listenPort = listenPort
        self.flags = flags
        self.capabilities = capabilities
    }
}

/// A delivery proof: anyone who holds the envelope header can check it against the ack hash, so a
/// relay cannot forge one. `path` and `hops` say how the destination got the message; they are not
/// authenticated (a relay could change them) and only inform the sender.
public struct DeliveryProof: Sendable, Equatable {
    /// Encoded size: id 16 + secret 32 + hops 1 + path 1.
    public static let byteCount = 50

    public var id: MessageID
    public var ackSecret: [UInt8]
    /// Links the message crossed to the destination (1 = direct).
    public var hops: UInt8
    public var path: ProofPath

    public init(id: MessageID, ackSecret: [UInt8], hops: UInt8 = 1, path: ProofPath = .direct) {
        self.id = id
        self.ackSecret = ackSecret
        self.hops = hops
        self.path = path
    }
}

/// How the destination got a message, as a proof reports it (1 byte).
public enum ProofPath: UInt8, Sendable {
    case direct = 1
    case mesh = 2
    case coordinator = 3
}

/// Why a receiver refused a message (1 byte).
public enum RefuseReason: UInt8, Sendable {
    /// The envelope's seal did not open or verify. (An envelope that does not even decode is a
    /// protocol error and closes the link.)
    case invalid = 1
    /// This node is not the destination and does not relay.
    case notForMe = 2
    /// The message expired.
    case expired = 3
    /// The receiver's store is full or failing; try again later.
    case unavailable = 4
    /// The receiver already holds this message (same id and ack hash) or knows it was delivered.
    case held = 5
    /// The receiver's relay quota for this origin or destination is full.
    case quota = 6
    /// The message has no hops left to reach another node.
    case hopLimit = 7
}

/// Why a link is being closed (1 byte).
public enum CloseReason: UInt8, Sendable {
    case shutdown = 1
    case protocolError = 2
    case wrongPeer = 3
    case duplicateLink = 4
    case idle = 5
    /// The receiver holds as many links of this kind as it allows; try later.
    case busy = 6

    /// The only text a node sends in a CLOSE frame: fixed per reason, so no internal detail (a file
    /// path, an SQL error, the address a dialler expected) ever reaches a peer.
    public var publicText: String {
        switch self {
        case .shutdown: return "shutting down"
        case .protocolError: return "protocol error"
        case .wrongPeer: return "not the expected peer"
        case .duplicateLink: return "duplicate link"
        case .idle: return "idle"
        case .busy: return "busy"
        }
    }
}
