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
/// iteration has returned: that is what makes a proof or a `send` reply mean "durable".
public enum CoreAction: Sendable, Equatable {
    /// Write these ciphertext bytes to the link's socket.
    case send(LinkID, [UInt8])
    /// Close the link's socket once what was sent before is written.
    case close(LinkID)
    /// A link finished its handshake and hello: the peer is who it proved to be.
    case linkEstablished(LinkID, Address)
    /// A new message arrived in the inbox.
    case delivered(InboundMessage)
    /// A valid delivery proof arrived for one of our outbound messages.
    case proofAccepted(MessageID)
    /// The recipient's end-to-end receipt for one of our messages arrived.
    case receiptReceived(MessageID, openedAt: Timestamp)
    /// Something an operator may want in the log.
    case log(LogLevel, String)
}

/// Log levels the core uses; the daemon maps them onto swift-log.
public enum LogLevel: Sendable, Equatable {
    case debug, info, notice, warning
}

/// Timing and size limits of the core (STYLE.md: unit last in the name).
public struct CoreLimits: Sendable {
    /// Close a link whose TLS handshake and hello have not finished by then.
    public var handshakeTimeoutMilliseconds: UInt64 = 10_000
    /// Send a ping when nothing has been heard on a link for this long.
    public var keepaliveIntervalMilliseconds: UInt64 = 15_000
    /// Close a link when nothing has been heard for this long.
    public var idleTimeoutMilliseconds: UInt64 = 45_000
    /// Messages in flight (sent, no proof yet) on one link at most: back-pressure by window.
    public var inflightPerLinkMax = 256
    /// Offer pending messages again to connected peers this often (after a refusal, say).
    public var retryIntervalMilliseconds: UInt64 = 30_000
    /// Expire old outbound messages and seen ids this often.
    public var housekeepingIntervalMilliseconds: UInt64 = 60_000
    /// Lifetime of a new message.
    public var messageLifetimeMilliseconds: UInt64 = WireLimits.messageLifetimeDefaultMilliseconds

    public init() {}
}

/// One link as `ferry peers` shows it.
public struct LinkSummary: Sendable, Equatable {
    public var link: LinkID
    public var peer: Address?
    public var endpoint: String
    public var outbound: Bool
    public var established: Bool
    public var since: Timestamp
    public var inflight: Int
}
