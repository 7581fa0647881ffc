import FerryWire

/// How a received message reached this node; shown as `path` in `ferry inbox --json`.
public enum DeliveryPath: String, Sendable, CaseIterable {
    /// Straight from the sender over one link.
    case direct
    /// Through a coordinator's mailbox.
    case coordinator
    /// Carried by other nodes (store-carry-forward).
    case mesh
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
    /// Own messages not yet delivered, and delivered.
    public var outboxPending: Int
    public var outboxDelivered: Int
    public var inbox: Int
    /// Relay copies held for others, and their bytes.
    public var relay: Int
    public var relayBytes: Int
    /// Delivery proofs remembered.
    public var proofs: Int

    public init(
        outboxPending: Int = 0, outboxDelivered: Int = 0, inbox: Int = 0, relay: Int = 0, relayBytes: Int = 0,
        proofs: Int = 0
    ) {
        self.outboxPending = outboxPending
        self.outboxDelivered = outboxDelivered
        self.inbox = inbox
        self.relay = relay
        self.relayBytes = relayBytes
        self.proofs = proofs
    }
}

/// An identity record as stored, for `ferry directory`.
public struct StoredIdentity: Sendable, Equatable {
    public var address: Address
    public var record: [UInt8]
    /// When it was stored (the store's wall clock; 0 where a store keeps no time).
    public var updated: Timestamp

    public init(address: Address, record: [UInt8], updated: Timestamp) {
        self.address = address
        self.record = record
        self.updated = updated
    }
}
