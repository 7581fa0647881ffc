import FerryWire

/// What an outbound message is, which decides what happens once it is delivered.
public enum OutboundKind: UInt8, Sendable {
    /// A message the local user sent.
    case message = 1
    /// An end-to-end receipt this node sent back to the sender of a message it received.
    case receipt = 2
}

/// How a received message reached this node; shown as `path` in `ferry inbox --json`.
public enum DeliveryPath: String, Sendable, CaseIterable {
    /// Straight from the sender over one link.
    case direct
    /// Through a coordinator's mailbox.
    case coordinator
    /// Carried by other nodes (store-carry-forward).
    case mesh
}

/// A message this node originated and keeps in custody until a delivery proof arrives or it expires.
public struct OutboundMessage: Sendable, Equatable {
    public var id: MessageID
    /// Outbox order, assigned by the store on insert (ignored by `addOutbound`); the core keeps a
    /// per-link cursor over it so refilling a link reads only messages it has not offered yet.
    public var seq: Int64
    public var destination: Address
    public var kind: OutboundKind
    /// The encoded envelope (FerryWire `Envelope`) exactly as it goes on the wire.
    public var envelope: [UInt8]
    /// SHA-256 of the ack secret, to check delivery proofs against (also in the envelope header).
    public var ackHash: [UInt8]
    public var createdAt: Timestamp
    public var expiresAt: Timestamp
    /// When a valid delivery proof arrived; nil while the message is pending.
    public var deliveredAt: Timestamp?
    /// When the recipient's end-to-end receipt arrived, and the time it says the message was opened.
    public var receiptAt: Timestamp?
    public var openedAt: Timestamp?

    public init(
        id: MessageID, seq: Int64 = 0, destination: Address, kind: OutboundKind, envelope: [UInt8], ackHash: [UInt8],
        createdAt: Timestamp, expiresAt: Timestamp, deliveredAt: Timestamp? = nil,
        receiptAt: Timestamp? = nil, openedAt: Timestamp? = nil
    ) {
        self.id = id
        self.seq = seq
        self.destination = destination
        self.kind = kind
        self.envelope = envelope
        self.ackHash = ackHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.deliveredAt = deliveredAt
        self.receiptAt = receiptAt
        self.openedAt = openedAt
    }

    public var isPending: Bool { deliveredAt == nil }
}

/// A message opened by this node and shown in its inbox.
public struct InboundMessage: Sendable, Equatable {
    /// Inbox order, assigned by the store on insert (1, 2, 3, …); `ferry inbox --follow` resumes from it.
    public var seq: Int64
    public var id: MessageID
    /// The sender's address, proven by the signature inside the sealed body.
    public var from: Address
    /// Content type from the sealed body (see FerryWire `ContentType`).
    public var contentType: UInt8
    public var body: [UInt8]
    /// The envelope's creation time, set by the sender.
    public var sentAt: Timestamp
    public var receivedAt: Timestamp
    public var path: DeliveryPath
    public var hops: UInt8
    /// Kept so a repeated copy of the message can be answered with the same delivery proof.
    public var ackSecret: [UInt8]
    public var expiresAt: Timestamp

    public init(
        seq: Int64 = 0, id: MessageID, from: Address, contentType: UInt8, body: [UInt8], sentAt: Timestamp,
        receivedAt: Timestamp, path: DeliveryPath, hops: UInt8, ackSecret: [UInt8], expiresAt: Timestamp
    ) {
        self.seq = seq
        self.id = id
        self.from = from
        self.contentType = contentType
        self.body = body
        self.sentAt = sentAt
        self.receivedAt = receivedAt
        self.path = path
        self.hops = hops
        self.ackSecret = ackSecret
        self.expiresAt = expiresAt
    }
}

/// Counts for `ferry status`.
public struct StoreCounts: Sendable, Equatable {
    public var outboxPending: Int
    public var outboxDelivered: Int
    public var inbox: Int
    public var relay: Int

    public init(outboxPending: Int = 0, outboxDelivered: Int = 0, inbox: Int = 0, relay: Int = 0) {
        self.outboxPending = outboxPending
        self.outboxDelivered = outboxDelivered
        self.inbox = inbox
        self.relay = relay
    }
}
