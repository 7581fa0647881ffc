/// A link frame: what two nodes say to each other inside TLS (docs/PROTOCOL.md §Link frames).
///
/// On the wire: u32 length of (type + payload), u8 type, payload. The length is checked against
/// `WireLimits.frameBytesMax` before anything is buffered.
public enum Frame: Sendable, Equatable {
    /// First frame each side sends: protocol version, identity record, the port it listens on, role flags.
    case hello(Hello)
    /// Custody offer: an encoded `Envelope`.
    case envelope([UInt8])
    /// Delivery proof: the message id and its ack secret (SHA-256 of which is the envelope's ack hash).
    case proof(DeliveryProof)
    /// The receiver would not take a message; the sender keeps custody.
    case refuse(id: MessageID, reason: RefuseReason)
    case ping(nonce: UInt64)
    case pong(nonce: UInt64)
    /// The sender is closing the link, and why.
    case close(reason: CloseReason, text: String)

    /// Frame type codes (1 byte).
    public enum Kind: UInt8, Sendable {
        case hello = 0x01
        case envelope = 0x02
        case proof = 0x03
        case refuse = 0x04
        case ping = 0x05
        case pong = 0x06
        case close = 0x07
    }

    /// Size of the length prefix.
    public static let lengthByteCount = 4

    public var kind: Kind {
        switch self {
        case .hello: return .hello
        case .envelope: return .envelope
        case .proof: return .proof
        case .refuse: return .refuse
        case .ping: return .ping
        case .pong: return .pong
        case .close: return .close
        }
    }
}

/// The hello frame's payload.
public struct Hello: Sendable, Equatable {
    /// Link protocol version this build speaks (2 bytes).
    public static let protocolVersion: UInt16 = 1
    /// Role flag: the sender is a coordinator.
    public static let flagCoordinator: UInt8 = 0x01

    public var version: UInt16
    public var record: [UInt8]
    /// TCP port the sender accepts links on; 0 if it does not listen.
    public var listenPort: UInt16
    public var flags: UInt8

    public init(version: UInt16 = Hello.protocolVersion, record: [UInt8], listenPort: UInt16, flags: UInt8 = 0) {
        self.version = version
        self.record = record
        self.listenPort = listenPort
        self.flags = flags
    }
}

/// A delivery proof: anyone can check it against the envelope's ack hash, so a relay cannot forge one.
public struct DeliveryProof: Sendable, Equatable {
    /// Encoded size: id 16 + secret 32.
    public static let byteCount = 48

    public var id: MessageID
    public var ackSecret: [UInt8]

    public init(id: MessageID, ackSecret: [UInt8]) {
        self.id = id
        self.ackSecret = ackSecret
    }
}

/// Why a receiver refused a message (1 byte).
public enum RefuseReason: UInt8, Sendable {
    /// The envelope's seal did not open or verify. (An envelope that does not even decode is a
    /// protocol error and closes the link.)
    case invalid = 1
    /// This node is not the destination and does not relay yet.
    case notForMe = 2
    /// The message expired.
    case expired = 3
    /// The receiver's store is full or failing; try again later.
    case unavailable = 4
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
