import FerryWire

/// A `MessageStore` in memory, for core tests and the simulator. Nothing here survives the process,
/// which is exactly what those uses want, but it keeps the durable store's crash model: `commit()`
/// takes a snapshot, and `simulateCrash()` or `rollback()` return to it, so a test can check that
/// the core acknowledges only what a commit made safe. Failures can be injected (`failWrites`,
/// `failNextCommit`) to drive the core through a full or broken disk.
///
/// Loop-confined like every store; not `Sendable`.
public final class InMemoryMessageStore: MessageStore {
    /// Everything the store holds, as one value.
    private struct State {
        var custody = CustodyTable()
        var proofs = ProofTable()
        /// The inbox in seq order: seqs only grow and inbox messages are never removed.
        var inbox: [InboundMessage] = []
        /// Positions in `inbox` of the messages with each id, oldest first.
        var inboxPositionsByID: [MessageID: [Int]] = [:]
        var lastInboundSeq: Int64 = 0
        var identities: [Address: [UInt8]] = [:]
    }

    /// What reads see: the committed state plus every write since.
    private var state = State()
    /// The state as of the last successful `commit()`.
    private var committed = State()
    /// The last custody and proof seqs handed out. Outside `State` on purpose: a rollback or crash
    /// must not make a seq come back (the durable store keeps the same promise).
    private var lastCustodySeq: Int64 = 0
    private var lastProofSeq: Int64 = 0
    /// How many commits succeeded; tests use it to check group commit happens.
    public private(set) var commitCount = 0
    /// When set, every write throws it and changes nothing (a full or failing disk); reads still work.
    public var failWrites: (any Error)?
    /// When set, the next `commit()` throws it, commits nothing and clears it. The group stays
    /// uncommitted, as after a real failed commit, until `rollback()`.
    public var failNextCommit: (any Error)?

    public init() {}

    // MARK: Custody

    public func hold(_ message: HeldMessage) throws -> HeldMessage? {
        try checkWritable()
        guard state.custody.rows[message.key] == nil else { return nil }
        lastCustodySeq += 1
        var stored = message.asHeld()
        stored.seq = lastCustodySeq
        state.custody.insert(stored)
        return stored
    }

    public func held(_ key: CustodyKey) throws -> HeldMessage? { state.custody.rows[key] }

    public func held(id: MessageID) throws -> [HeldMessage] {
        state.custody.withID(id, limit: StoreLimits.inboundCopiesPerIDMax)
    }

    public func pendingHeld(
        for destination: Address, now: Timestamp, afterSeq: Int64, limit: Int
    ) throws -> [HeldMessage] {
        state.custody.pending(for: destination, afterSeq: afterSeq, limit: limit) { $0.expiresAt > now }
    }

    public func pendingHeld(now: Timestamp, afterSeq: Int64, limit: Int) throws -> [HeldMessage] {
        state.custody.pending(for: nil, afterSeq: afterSeq, limit: limit) { $0.expiresAt > now }
    }

    public func setCopies(_ key: CustodyKey, copies: UInt16) throws {
        try checkWritable()
        guard var message = state.custody.rows[key] else { return }
        message.copies = copies
        state.custody.replace(message)
    }

    @discardableResult
    public func markDelivered(_ key: CustodyKey, at time: Timestamp, path: DeliveryPath, hops: UInt8) throws -> Bool {
        try checkWritable()
        guard var message = state.custody.rows[key], message.isPending else { return false }
        switch message.kind {
        case .own:
            message.deliveredAt = time
            message.deliveredPath = path
            message.deliveredHops = hops
            state.custody.replace(message)
        case .relay, .mailbox:
            state.custody.remove(key)
        }
        return true
    }

    @discardableResult
    public func release(_ key: CustodyKey) throws -> Bool {
        try checkWritable()
        guard let message = state.custody.rows[key] else { return false }
        switch message.kind {
        case .own: return false
        case .relay, .mailbox:
            state.custody.remove(key)
            return true
        }
    }

    public func custodyUsage(_ kind: CustodyKind) throws -> CustodyUsage { state.custody.usage(kind) }

    public func custodyBytes(_ kind: CustodyKind, origin: Address) throws -> Int {
        state.custody.bytes(kind, origin: origin)
    }

    public func custodyBytes(_ kind: CustodyKind, destination: Address) throws -> Int {
        state.custody.bytes(kind, destination: destination)
    }

    public func evictionCandidates(_ kind: CustodyKind, limit: Int) throws -> [HeldMessage] {
        guard limit > 0 else { return [] }
        let ordered = state.custody.pending(kind).sorted { a, b in
            (a.expiresAt, a.copies, a.seq) < (b.expiresAt, b.copies, b.seq)
        }
        return Array(ordered.prefix(limit))
    }

    public func expireHeld(before now: Timestamp, deliveredBefore: Timestamp) throws -> [CustodyKey] {
        try checkWritable()
        let expired = state.custody.all { $0.isPending && $0.expiresAt <= now }
        let oldDelivered = state.custody.all { message in
            guard let deliveredAt = message.deliveredAt else { return false }
            return deliveredAt < deliveredBefore
        }
        for message in expired + oldDelivered { state.custody.remove(message.key) }
        return expired.map(\.key)
    }

    public func ownPending(limit: Int) throws -> [HeldMessage] {
        state.custody.pending(.own, limit: limit)
    }

    // MARK: Proofs

    @discardableResult
    public func addProof(_ proof: StoredProof) throws -> Bool {
        try checkWritable()
        guard state.proofs.proofs[proof.key] == nil else { return false }
        lastProofSeq += 1
        var stored = proof
        stored.seq = lastProofSeq
        state.proofs.insert(stored)
        return true
    }

    public func proof(_ key: CustodyKey) throws -> StoredProof? { state.proofs.proofs[key] }

    public func proofs(afterSeq: Int64, limit: Int) throws -> [StoredProof] {
        guard limit > 0 else { return [] }
        return state.proofs.after(afterSeq, limit: limit)
    }

    public func purgeProofs(before now: Timestamp) throws -> [CustodyKey] {
        try checkWritable()
        let keys = state.proofs.all { $0.expiresAt <= now }.map(\.key)
        for key in keys { state.proofs.remove(key) }
        return keys
    }

    public func proofCount() throws -> Int { state.proofs.count }

    public func trimProofs(keep: Int) throws -> [CustodyKey] {
        try checkWritable()
        let excess = state.proofs.count - max(keep, 0)
        guard excess > 0 else { return [] }
        let keys = state.proofs.all { _ in true }
            .sorted { a, b in (a.expiresAt, a.seq) < (b.expiresAt, b.seq) }
            .prefix(excess).map(\.key)
        for key in keys { state.proofs.remove(key) }
        return keys
    }

    // MARK: Inbox

    public func addInbound(_ message: InboundMessage) throws -> InboundMessage? {
        try checkWritable()
        let positions = state.inboxPositionsByID[message.id] ?? []
        guard !positions.contains(where: { state.inbox[$0].ackSecret == message.ackSecret }) else { return nil }
        state.lastInboundSeq += 1
        var stored = message
        stored.seq = state.lastInboundSeq
        state.inboxPositionsByID[message.id, default: []].append(state.inbox.count)
        state.inbox.append(stored)
        return stored
    }

    public func inbound(id: MessageID) throws -> [InboundMessage] {
        (state.inboxPositionsByID[id] ?? []).prefix(StoreLimits.inboundCopiesPerIDMax).map { state.inbox[$0] }
    }

    public func inbox(afterSeq: Int64, limit: Int) throws -> [InboundMessage] {
        guard limit > 0 else { return [] }
        // Binary search for the first seq after the cursor: `ferry inbox --follow` asks from the end.
        var low = 0
        var high = state.inbox.count
        while low < high {
            let middle = (low + high) / 2
            if state.inbox[middle].seq > afterSeq { high = middle } else { low = middle + 1 }
        }
        return Array(state.inbox[low...].prefix(limit))
    }

    // MARK: Identities

    @discardableResult
    public func putIdentity(_ record: [UInt8], for address: Address) throws -> Bool {
        try checkWritable()
        let offered = try IdentityRecordOrder.decodeOffered(record, for: address)
        guard IdentityRecordOrder.replaces(offered, stored: state.identities[address]) else { return false }
        state.identities[address] = record
        return true
    }

    public func identity(for address: Address) throws -> [UInt8]? { state.identities[address] }

    /// In memory there is no store time: order is by address, `updated` is 0.
    public func identities(limit: Int) throws -> [StoredIdentity] {
        guard limit > 0 else { return [] }
        return state.identities.sorted { $0.key < $1.key }.prefix(limit).map {
            StoredIdentity(address: $0.key, record: $0.value, updated: Timestamp(milliseconds: 0))
        }
    }

    /// In memory there is no store time: the records with the greatest addresses go first.
    @discardableResult
    public func trimIdentities(keepingAtMost: Int) throws -> [Address] {
        try checkWritable()
        let excess = state.identities.count - max(0, keepingAtMost)
        guard excess > 0 else { return [] }
        let removed = Array(state.identities.keys.sorted().suffix(excess))
        for address in removed { state.identities[address] = nil }
        return removed
    }

    // MARK: Housekeeping

    public func counts() throws -> StoreCounts {
        let own = state.custody.usage(.own).count
        let relay = state.custody.usage(.relay)
        // Only own rows stay once delivered (`hold` and `markDelivered`); every other row is pending.
        let delivered = state.custody.rows.count - CustodyKind.allCases.reduce(0) { $0 + state.custody.usage($1).count }
        return StoreCounts(
            outboxPending: own, outboxDelivered: delivered, inbox: state.inbox.count, relay: relay.count,
            relayBytes: relay.bytes, proofs: state.proofs.count)
    }

    public func commit() throws {
        if let failure = failNextCommit {
            failNextCommit = nil
            throw failure
        }
        committed = state
        commitCount += 1
    }

    public func rollback() throws { state = committed }

    /// What a `kill -9` and restart would leave: every write since the last commit is gone. Injected
    /// failures stay set; a test clears them when its "disk" is healthy again.
    public func simulateCrash() { state = committed }

    private func checkWritable() throws {
        if let failure = failWrites { throw failure }
    }
}
