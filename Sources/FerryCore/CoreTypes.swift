import FerryStore
import FerryWire

/// Identifies one transport connection; the driver assigns them and never reuses one.
public struct LinkID: Hashable, Sendable, CustomStringConvertible {
    public let value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public var description: String { "link#\(value)" }
}

/// Randomness as a parameter: the core never reads a random source of its own, so a simulator
/// can run it from a seed. (HPKE's ephemeral randomness inside swift-crypto is the documented
/// exception: it changes ciphertext bytes, never a routing decision.)
public protocol RandomSource: AnyObject {
    func bytes(_ count: Int) -> [UInt8]
}

/// What the driver must do after feeding the core an event.
///
/// Writes (`send`) must reach the network only after the store's `commit()` for the same loop
/// iteration has returned: that is what makes a proof or a `send` reply mean "durable". The same
/// holds for `delivered`, `proofAccepted` and `receiptReceived`: they describe writes of this
/// iteration, so the driver shows them to clients only after the commit.
public enum CoreAction: Sendable, Equatable {
    /// Write these ciphertext bytes to the link's socket, then report them with `linkWritten`.
    case send(LinkID, [UInt8])
    /// Close the link's socket once what was sent before is written (with a deadline).
    case close(LinkID)
    /// A link finished its handshake and hello: the peer is who it proved to be.
    case linkEstablished(LinkID, Address)
    /// The core is closing a link for a reason the driver's dialler must know (a `close` follows).
    case linkRejected(LinkID, LinkRejection)
    /// A new message arrived in the inbox.
    case delivered(InboundMessage)
    /// A valid delivery proof arrived for one of our own messages: it is delivered, by `path` in
    /// `hops` links (as the destination reported them).
    case proofAccepted(MessageID, path: DeliveryPath, hops: UInt8)
    /// A store operation failed: the writes of this iteration must be rolled back, not committed,
    /// and nothing of it acknowledged. The text is for the local log only, never for a peer.
    case storeFailed(String)
    /// Open a TCP connection (then `linkOpened(…, dial:)`, or `dialFailed`).
    case dial(DialRequest)
    /// Multicast this beacon on the LAN.
    case beacon([UInt8])
    /// Something an operator may want in the log. Peer-supplied text in it is already escaped.
    case log(LogLevel, String)
}

/// Why the core refused or dropped a link, so a dialler can react: stop dialling itself, wait while
/// the peer is linked another way, or back off.
public enum LinkRejection: Sendable, Equatable {
    /// The peer is this node itself (a seed pointing at our own listen port).
    case isSelf
    /// Another link to the same peer won the tie-break; that link stays up.
    case duplicate
    /// The peer is not the one the dialler pinned.
    case wrongPeer
    /// The node holds as many links of this kind as it allows.
    case busy
}

/// Log levels the core uses; the daemon maps them onto swift-log.
public enum LogLevel: Sendable, Equatable {
    case debug, info, notice, warning
}

/// One link as `ferry peers` shows it.
public struct LinkSummary: Sendable, Equatable {
    public var link: LinkID
    public var peer: Address?
    public var endpoint: String
    public var outbound: Bool
    public var established: Bool
    /// Wall-clock time the link was established (or opened, before that), for display.
    public var since: Timestamp
    /// Messages offered on this link with no proof yet.
    public var inflight: Int
    /// Their envelope bytes.
    public var inflightBytes: Int
    /// Ciphertext handed to the socket and not yet written by it.
    public var queuedBytes: Int
    /// What the peer said it can do in its hello (relay, sync).
    public var capabilities: Hello.Capabilities
    /// How the node came to this peer: `inbound`, or how the dialled endpoint was learnt.
    public var foundBy: FoundBy
}

/// A configured seed that is not linked, for `ferry peers`: what it is doing and why.
public struct SeedSummary: Sendable, Equatable {
    public var host: String
    public var port: UInt16
    public var peer: Address?
    /// `dialling`, `waiting`, `linked-inbound`, `self`.
    public var state: String
    public var lastError: String?
    /// A waiting seed's next dial, on the monotonic clock.
    public var retryAt: MonotonicTime?
}
