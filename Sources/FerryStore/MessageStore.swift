import FerryWire

/// Where a node keeps everything it must not lose: the messages it holds in custody (its own, relay
/// copies, later mailboxes), the delivery proofs it has seen, its inbox, and identity records.
///
/// Writes are grouped: every write since the last `commit()` becomes durable together when
/// `commit()` returns. The driver commits once per loop iteration and only then sends any
/// acknowledgement that hands custody upstream (docs/ARCHITECTURE.md, "Group commit").
/// Reads always see the store's latest writes, committed or not.
/// Implementations are confined to the loop thread and are not `Sendable`.
public protocol MessageStore: AnyObject {
    // MARK: Custody

    /// Takes custody of a message with the next custody `seq` and returns it as stored; nil (and no
    /// change) if the same (id, ack hash) is already held, of any kind.
    ///
    /// Everything else is stored as given, except that a relay or mailbox message is always held
    /// undelivered (its delivery fields are cleared): only own rows outlive their delivery. The store
    /// does not look at proofs; refusing a message whose proof is already known is the core's check.
    ///
    /// A `seq` is never handed out again, even after the message that had it is gone (and not after
    /// a rollback either): the core's per-link cursors (`pendingHeld(afterSeq:)`) would otherwise
    /// skip a new message that got the number of one already offered. Only a crash may bring back
    /// the seqs of the group it lost, since no cursor outlives the process.
    func hold(_ message: HeldMessage) throws -> HeldMessage?
    /// The held message with this key, delivered (own) or not.
    func held(_ key: CustodyKey) throws -> HeldMessage?
    /// Every held message with this id, in seq order: normally none or one, more only if someone
    /// reused the id. At most `StoreLimits.inboundCopiesPerIDMax` (the same bound as the inbox's, for
    /// the same reason: a flood of decoys costs one bounded read).
    func held(id: MessageID) throws -> [HeldMessage]
    /// Held messages of any kind for `destination` that are undelivered and unexpired at `now`, with
    /// `seq > afterSeq`, in seq order, at most `limit` (none if `limit` is 0 or less). A message
    /// whose `expiresAt` equals `now` has expired, here and everywhere in this protocol.
    func pendingHeld(for destination: Address, now: Timestamp, afterSeq: Int64, limit: Int) throws -> [HeldMessage]
    /// Held messages of any kind, undelivered and unexpired at `now`, with `seq > afterSeq`, in seq
    /// order, at most `limit`: what the node can offer, for its reconciliation set and for spraying.
    func pendingHeld(now: Timestamp, afterSeq: Int64, limit: Int) throws -> [HeldMessage]
    /// Sets the copy budget this node keeps of a held message (after handing half on); the stored
    /// envelope is left as received. No-op if not held.
    func setCopies(_ key: CustodyKey, copies: UInt16) throws
    /// Records end-to-end delivery (a valid proof). An own message keeps its row, marked delivered
    /// with the path and hops the proof reported; a relay or mailbox copy is removed.
    /// - Returns: false if the message is not held or was already delivered.
    @discardableResult
    func markDelivered(_ key: CustodyKey, at time: Timestamp, path: DeliveryPath, hops: UInt8) throws -> Bool
    /// Drops a relay or mailbox copy (evicted, or handed on for good). Never removes an own message:
    /// for one it returns false and changes nothing (only a proof or `expireHeld` ends own custody).
    /// - Returns: whether a copy was removed.
    @discardableResult
    func release(_ key: CustodyKey) throws -> Bool
    /// Messages and bytes (`HeldMessage.size`) held of `kind`: every undelivered row, expired ones
    /// included until `expireHeld` removes them; delivered own rows do not count. Quotas are the
    /// core's decision; these reads (and the two below) are what it decides with.
    func custodyUsage(_ kind: CustodyKind) throws -> CustodyUsage
    /// Bytes of `kind` that came from `origin`, for the per-origin quota (undelivered rows, as in
    /// `custodyUsage`; rows without an origin count under none).
    func custodyBytes(_ kind: CustodyKind, origin: Address) throws -> Int
    /// Bytes of `kind` held for `destination`, for the per-destination quota (undelivered rows, as in
    /// `custodyUsage`).
    func custodyBytes(_ kind: CustodyKind, destination: Address) throws -> Int
    /// Undelivered held messages of `kind` in eviction order — nearest expiry first, then fewest
    /// copies left (most spent), then oldest seq — at most `limit`. The store answers for any kind;
    /// the core never evicts own messages (and `release` refuses them).
    func evictionCandidates(_ kind: CustodyKind, limit: Int) throws -> [HeldMessage]
    /// Removes undelivered messages of every kind that expired at or before `now`, and delivered own
    /// rows with `deliveredAt` strictly before `deliveredBefore` (whatever their expiry); returns the
    /// keys of the undelivered ones removed, in seq order.
    func expireHeld(before now: Timestamp, deliveredBefore: Timestamp) throws -> [CustodyKey]
    /// Own messages not yet delivered, in seq order (oldest first), at most `limit` (`ferry outbox`).
    /// Expired ones are listed until `expireHeld` removes them.
    func ownPending(limit: Int) throws -> [HeldMessage]

    // MARK: Proofs (anti-packets)

    /// Remembers a delivery proof until its `expiresAt`, with the next proof `seq`. Like custody
    /// seqs, a proof seq is never handed out again (not after a purge, trim or rollback either): the
    /// core's proof cursors walk it.
    /// - Returns: false (and no change) if a proof with the same (id, ack hash) is already there,
    ///   whatever its other fields.
    @discardableResult
    func addProof(_ proof: StoredProof) throws -> Bool
    /// The proof for this key, if remembered.
    func proof(_ key: CustodyKey) throws -> StoredProof?
    /// Remembered proofs with `seq > afterSeq`, in seq order, at most `limit` (none if `limit` is 0 or
    /// less), for the proof sync set.
    func proofs(afterSeq: Int64, limit: Int) throws -> [StoredProof]
    /// Forgets proofs whose time ran out at or before `now`; returns their keys in seq order.
    func purgeProofs(before now: Timestamp) throws -> [CustodyKey]
    /// How many proofs are remembered.
    func proofCount() throws -> Int
    /// Forgets the proofs nearest their expiry (on a tie, the oldest seq first) until at most `keep`
    /// remain (none if `keep` is 0 or less); the core bounds the table, since anyone can make a proof
    /// for an id of their own. Returns the keys forgotten, in the order forgotten.
    func trimProofs(keep: Int) throws -> [CustodyKey]

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
    /// Stored identity records, most recently stored first, at most `limit` (`ferry directory`).
    func identities(limit: Int) throws -> [StoredIdentity]
    /// Deletes the least recently stored identity records beyond the newest `keepingAtMost`, so that
    /// records announced by strangers cannot grow the file without bound.
    ///
    /// - Returns: the addresses whose records were deleted.
    @discardableResult
    func trimIdentities(keepingAtMost: Int) throws -> [Address]

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
    /// once there is space. Custody and proof `seq`s handed out in the discarded group are still never
    /// reused (the core's link cursors may hold them). Inbox `seq`s may be: no client saw the discarded
    /// messages, since the driver answers every request of a failed group with a failure.
    func rollback() throws
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
