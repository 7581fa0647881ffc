import FerryWire

/// Why this node holds a message (docs/ARCHITECTURE.md §Custody).
public enum CustodyKind: UInt8, Sendable, CaseIterable {
    /// This node sent it: kept until a delivery proof arrives or it expires; never evicted.
    case own = 1
    /// Held for others (store-carry-forward), under the relay quotas; evicted first.
    case relay = 2
    /// Held by a coordinator for an offline recipient (a later issue); under its own quotas.
    case mailbox = 3
}

/// What identifies a message: the sender-chosen id *and* the ack hash from its header. The id alone
/// can be reused by anyone who learns it (a decoy); the pair cannot.
public struct CustodyKey: Hashable, Sendable, CustomStringConvertible {
    public var id: MessageID
    /// SHA-256 of the ack secret (32 bytes), as in the envelope header.
    public var ackHash: [UInt8]

    public init(id: MessageID, ackHash: [UInt8]) {
        self.id = id
        self.ackHash = ackHash
    }

    public var description: String { id.text }
}

/// One message in custody, whatever the reason.
public struct HeldMessage: Sendable, Equatable {
    /// Custody order, assigned by the store on `hold` (ignored there) and never repeated, even after
    /// the message is gone: link cursors walk it.
    public var seq: Int64
    public var id: MessageID
    public var ackHash: [UInt8]
    public var kind: CustodyKind
    public var destination: Address
    /// The encoded envelope as it goes on the wire. Its unauthenticated tail (`hopsLeft`, `copies`) is
    /// what this node received; a forwarder rewrites those two when it offers the message on.
    public var envelope: [UInt8]
    /// The spray-and-wait copy budget this node holds: above 1 it may hand half on to a relay; at 1
    /// it waits to meet the destination.
    public var copies: UInt16
    /// Hops the message may still take, as received (for an own message: its hop limit).
    public var hopsLeft: UInt8
    /// The envelope's creation time (sender's clock); the reconciliation order uses it.
    public var createdAt: Timestamp
    public var expiresAt: Timestamp
    /// When this node took custody.
    public var receivedAt: Timestamp
    /// The peer it came from, so it is never offered back there; nil for own messages.
    public var origin: Address?
    /// Own messages only: when the delivery proof arrived, and how it says the message got there.
    public var deliveredAt: Timestamp?
    public var deliveredPath: DeliveryPath?
    public var deliveredHops: UInt8?

    public init(
        seq: Int64 = 0, id: MessageID, ackHash: [UInt8], kind: CustodyKind, destination: Address, envelope: [UInt8],
        copies: UInt16, hopsLeft: UInt8, createdAt: Timestamp, expiresAt: Timestamp, receivedAt: Timestamp,
        origin: Address?, deliveredAt: Timestamp? = nil, deliveredPath: DeliveryPath? = nil, deliveredHops: UInt8? = nil
    ) {
        self.seq = seq
        self.id = id
        self.ackHash = ackHash
        self.kind = kind
        self.destination = destination
        self.envelope = envelope
        self.copies = copies
        self.hopsLeft = hopsLeft
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.receivedAt = receivedAt
        self.origin = origin
        self.deliveredAt = deliveredAt
        self.deliveredPath = deliveredPath
        self.deliveredHops = deliveredHops
    }

    public var key: CustodyKey { CustodyKey(id: id, ackHash: ackHash) }
    /// Bytes this message costs in custody (the envelope).
    public var size: Int { envelope.count }
    public var isPending: Bool { deliveredAt == nil }

    /// The message as `hold` stores it: only an own message keeps its delivery fields (a store keeps
    /// no delivered copy of anyone else's message), so every store has the same rows to count.
    package func asHeld() -> HeldMessage {
        switch kind {
        case .own: return self
        case .relay, .mailbox:
            var copy = self
            copy.deliveredAt = nil
            copy.deliveredPath = nil
            copy.deliveredHops = nil
            return copy
        }
    }
}

/// A delivery proof remembered as an anti-packet: once a node has it, it drops its copy of the
/// message, refuses the message from then on, and passes the proof on (docs/PROTOCOL.md §Proofs).
public struct StoredProof: Sendable, Equatable {
    /// Order of arrival, assigned by the store on `addProof` (ignored there), never repeated.
    public var seq: Int64
    public var id: MessageID
    /// The ack secret; its SHA-256 is the key's ack hash (the caller checks that before storing).
    public var ackSecret: [UInt8]
    public var ackHash: [UInt8]
    /// Kept until then (the message's expiry when known, else a default the core chooses).
    public var expiresAt: Timestamp
    /// Hops and path the destination reported when it made the proof (informational: not signed).
    public var hops: UInt8
    public var path: DeliveryPath

    public init(
        seq: Int64 = 0, id: MessageID, ackSecret: [UInt8], ackHash: [UInt8], expiresAt: Timestamp, hops: UInt8,
        path: DeliveryPath
    ) {
        self.seq = seq
        self.id = id
        self.ackSecret = ackSecret
        self.ackHash = ackHash
        self.expiresAt = expiresAt
        self.hops = hops
        self.path = path
    }

    public var key: CustodyKey { CustodyKey(id: id, ackHash: ackHash) }
}

/// Bytes and messages held of one kind.
public struct CustodyUsage: Sendable, Equatable {
    public var count: Int
    public var bytes: Int

    public init(count: Int = 0, bytes: Int = 0) {
        self.count = count
        self.bytes = bytes
    }
}
