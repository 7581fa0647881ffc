import FerryWire

/// Where a node keeps everything it must not lose: its outbox (messages in custody), its inbox,
/// the ids it has seen, and identity records it has learned.
///
/// Writes are grouped: every write since the last `commit()` becomes durable together when
/// `commit()` returns. The driver commits once per loop iteration and only then sends any
/// acknowledgement that hands custody upstream (docs/ARCHITECTURE.md, "Group commit").
/// Reads always see the store's latest writes, committed or not.
/// Implementations are confined to the loop thread and are not `Sendable`.
public protocol MessageStore: AnyObject {
    // MARK: Outbox

    /// Adds a message to the outbox. Throws `StoreError.duplicate` if the id is already there.
    func addOutbound(_ message: OutboundMessage) throws
    func outbound(id: MessageID) throws -> OutboundMessage?
    /// Pending (undelivered, unexpired at `now`) messages for `destination` with `seq > afterSeq`,
    /// oldest first, at most `limit`.
    func pendingOutbound(to destination: Address, now: Timestamp, afterSeq: Int64, limit: Int) throws -> [OutboundMessage]
    /// Records a valid delivery proof. Returns false if the message is unknown or already delivered.
    @discardableResult
    func markDelivered(id: MessageID, at time: Timestamp) throws -> Bool
    /// Records the recipient's end-to-end receipt. Returns false if the message is unknown.
    @discardableResult
    func markReceipt(id: MessageID, receivedAt: Timestamp, openedAt: Timestamp) throws -> Bool
    /// Removes outbound messages that expired before `now` and were never delivered; returns how many.
    func expireOutbound(before now: Timestamp) throws -> Int

    // MARK: Inbox

    /// Adds an opened message and returns it with its `seq`; nil (and no change) if the id is already in the inbox.
    func addInbound(_ message: InboundMessage) throws -> InboundMessage?
    func inbound(id: MessageID) throws -> InboundMessage?
    /// Inbox messages with `seq > afterSeq`, in order, at most `limit`.
    func inbox(afterSeq: Int64, limit: Int) throws -> [InboundMessage]

    // MARK: Seen ids

    /// Remembers that `id` was delivered or dropped here, until `until`, so it is never handled twice.
    func markSeen(id: MessageID, until: Timestamp) throws
    func isSeen(id: MessageID) throws -> Bool
    /// Forgets seen ids whose time ran out before `now`; returns how many.
    func purgeSeen(before now: Timestamp) throws -> Int

    // MARK: Identities

    /// Stores the latest encoded identity record learned for `address` (from a hello or a message).
    func putIdentity(_ record: [UInt8], for address: Address) throws
    func identity(for address: Address) throws -> [UInt8]?

    // MARK: Housekeeping

    func counts() throws -> StoreCounts
    /// Makes every write since the last commit durable, atomically.
    func commit() throws
}

extension MessageStore {
    /// All pending messages for `destination`, oldest first, at most `limit`.
    public func pendingOutbound(to destination: Address, now: Timestamp, limit: Int) throws -> [OutboundMessage] {
        try pendingOutbound(to: destination, now: now, afterSeq: 0, limit: limit)
    }
}

/// Errors a store reports; the disk's own errors pass through from the implementation.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case duplicate(MessageID)
    case corrupt(String)

    public var description: String {
        switch self {
        case .duplicate(let id): return "message \(id) is already stored"
        case .corrupt(let what): return "store is corrupt: \(what)"
        }
    }
}
