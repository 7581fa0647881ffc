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

    /// Adds a message to the outbox with the next outbox `seq`. Throws `StoreError.duplicate` if the id
    /// is already there.
    ///
    /// A committed `seq` is never handed out again, even after the message that had it is removed:
    /// the core's per-link cursor (`pendingOutbound(afterSeq:)`) would otherwise skip a new message
    /// that got the number of one it already offered.
    func addOutbound(_ message: OutboundMessage) throws
    /// The outbox message with this id, delivered or not.
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

    /// Adds an opened message and returns it with its `seq`; nil (and no change) if a message with the
    /// same id *and* the same ack secret is already in the inbox.
    ///
    /// The id alone is chosen by the sender, so anyone who learns it can seal a decoy with that id (under
    /// their own key, with another ack secret). A message is therefore identified by (id, ack secret):
    /// the decoy is stored as the separate message it is and cannot stand in for the real one.
    func addInbound(_ message: InboundMessage) throws -> InboundMessage?
    /// Every inbox message with this id, oldest first: normally none or one, more only if someone
    /// reused the id. At most `StoreLimits.inboundCopiesPerIDMax`, so a flood of decoys costs one
    /// bounded read; the caller picks the copy whose ack secret hashes to the envelope's ack hash.
    func inbound(id: MessageID) throws -> [InboundMessage]
    /// Inbox messages with `seq > afterSeq`, in order, at most `limit`.
    func inbox(afterSeq: Int64, limit: Int) throws -> [InboundMessage]

    // MARK: Seen ids

    /// Remembers that the message (`id`, `ackHash`) was delivered or dropped here, until `until`, so it is
    /// never handled twice. Keyed on the pair, not the id, so a decoy reusing a known id is not taken
    /// for the message it imitates (and cannot make the real one look already seen).
    func markSeen(id: MessageID, ackHash: [UInt8], until: Timestamp) throws
    /// Whether (`id`, `ackHash`) was marked seen and not purged yet.
    func isSeen(id: MessageID, ackHash: [UInt8]) throws -> Bool
    /// Forgets seen ids whose time ran out before `now`; returns how many.
    func purgeSeen(before now: Timestamp) throws -> Int

    // MARK: Identities

    /// Stores an encoded identity record learned for `address` (from a hello or a message) unless the
    /// one already stored is as new or newer: the record with the later `created` wins, and on a tie
    /// the stored one stays. So an old record replayed by anyone cannot roll a peer's KEM key back.
    ///
    /// - Returns: whether the record was stored.
    /// - Throws: `StoreError.invalidIdentityRecord` if `record` does not decode as an `IdentityRecord`.
    @discardableResult
    func putIdentity(_ record: [UInt8], for address: Address) throws -> Bool
    /// The encoded identity record stored for `address`, if any.
    func identity(for address: Address) throws -> [UInt8]?

    // MARK: Housekeeping

    /// How many messages each part of the store holds, for `ferry status`.
    func counts() throws -> StoreCounts
    /// Makes every write since the last commit durable, atomically.
    ///
    /// If it throws, none of the group may be acknowledged; the caller then calls `rollback()`.
    func commit() throws
    /// Discards every write since the last commit, so the store is back at its last committed state,
    /// and leaves it ready for new writes and commits.
    ///
    /// The driver calls it after a failed `commit()`: it has told every peer and client that the
    /// group failed, so none of its writes may become durable by a later commit either. It also
    /// clears the state a disk error leaves behind (`StoreError.diskFull`), so the store works again
    /// once there is space. Outbox `seq`s handed out in the discarded group are still never reused
    /// (the core's link cursors may hold them). Inbox `seq`s may be: no client saw the discarded
    /// messages, since the driver answers every request of a failed group with a failure.
    func rollback() throws
}

extension MessageStore {
    /// All pending messages for `destination`, oldest first, at most `limit`.
    public func pendingOutbound(to destination: Address, now: Timestamp, limit: Int) throws -> [OutboundMessage] {
        try pendingOutbound(to: destination, now: now, afterSeq: 0, limit: limit)
    }
}

/// Every limit of the store contract, in one place (STYLE.md: unit last in the name).
public enum StoreLimits {
    /// Most inbox messages `inbound(id:)` returns for one id. One is normal; more means someone reused
    /// the id for decoys, and reading them all would let them make every lookup expensive.
    public static let inboundCopiesPerIDMax = 8
}

/// Errors a store reports; the disk's own errors pass through from the implementation.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case duplicate(MessageID)
    case corrupt(String)
    /// A record given to `putIdentity` does not decode as an `IdentityRecord`; nothing was stored.
    case invalidIdentityRecord(Address, String)
    /// The disk holding the store (the path given) has no room for the write or commit. The group it
    /// belonged to cannot be committed; `rollback()` discards it and the store works again once
    /// there is space.
    case diskFull(String)

    public var description: String {
        switch self {
        case .duplicate(let id): return "message \(id) is already stored"
        case .corrupt(let what): return "store is corrupt: \(what)"
        case .invalidIdentityRecord(let address, let why): return "identity record for \(address) refused: \(why)"
        case .diskFull(let path): return "the disk holding \(path) is full; free space and the node resumes"
        }
    }
}
