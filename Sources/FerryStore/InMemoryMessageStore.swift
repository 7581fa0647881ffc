import FerryWire

/// A `MessageStore` in memory, for core tests and the simulator. Nothing here survives the process,
/// which is exactly what those uses want, but it keeps the durable store's crash model: `commit()`
/// takes a snapshot, and `simulateCrash()` or `rollback()` return to it, so a test can check that
/// the core acknowledges only what a commit made safe. Failures can be injected (`failWrites`,
/// `failNextCommit`) to drive the core through a full or broken disk.
///
/// Loop-confined like every store; not `Sendable`.
public final class InMemoryMessageStore: MessageStore {
    /// A seen message: its id and ack hash together (`markSeen` says why not the id alone).
    private struct SeenKey: Hashable {
        var id: MessageID
        var ackHash: [UInt8]
    }

    /// Everything the store holds, as one value.
    private struct State {
        var outboxByID: [MessageID: OutboundMessage] = [:]
        var outboxOrder: [MessageID] = []
        /// The inbox in seq order: seqs only grow and inbox messages are never removed.
        var inbox: [InboundMessage] = []
        /// Positions in `inbox` of the messages with each id, oldest first.
        var inboxPositionsByID: [MessageID: [Int]] = [:]
        var lastInboundSeq: Int64 = 0
        var seen: [SeenKey: Timestamp] = [:]
        var identities: [Address: [UInt8]] = [:]
    }

    /// What reads see: the committed state plus every write since.
    private var state = State()
    /// The state as of the last successful `commit()`.
    private var committed = State()
    /// The last outbox seq handed out. Outside `State` on purpose: a rollback or crash must not make
    /// a seq come back (the durable store keeps the same promise).
    private var lastOutboundSeq: Int64 = 0
    /// How many commits succeeded; tests use it to check group commit happens.
    public private(set) var commitCount = 0
    /// When set, every write throws it and changes nothing (a full or failing disk); reads still work.
    public var failWrites: (any Error)?
    /// When set, the next `commit()` throws it, commits nothing and clears it. The group stays
    /// uncommitted, as after a real failed commit, until `rollback()`.
    public var failNextCommit: (any Error)?

    public init() {}

    // MARK: Outbox

    public func addOutbound(_ message: OutboundMessage) throws {
        try checkWritable()
        guard state.outboxByID[message.id] == nil else { throw StoreError.duplicate(message.id) }
        lastOutboundSeq += 1
        var stored = message
        stored.seq = lastOutboundSeq
        state.outboxByID[message.id] = stored
        state.outboxOrder.append(message.id)
    }

    public func outbound(id: MessageID) throws -> OutboundMessage? { state.outboxByID[id] }

    public func pendingOutbound(
        to destination: Address, now: Timestamp, afterSeq: Int64, limit: Int
    ) throws -> [OutboundMessage] {
        var result: [OutboundMessage] = []
        for id in state.outboxOrder where result.count < limit {
            guard let message = state.outboxByID[id], message.seq > afterSeq else { continue }
            if message.destination == destination, message.isPending, message.expiresAt > now { result.append(message) }
        }
        return result
    }

    public func markDelivered(id: MessageID, at time: Timestamp) throws -> Bool {
        try checkWritable()
        guard var message = state.outboxByID[id], message.deliveredAt == nil else { return false }
        message.deliveredAt = time
        state.outboxByID[id] = message
        return true
    }

    public func markReceipt(id: MessageID, receivedAt: Timestamp, openedAt: Timestamp) throws -> Bool {
        try checkWritable()
        guard var message = state.outboxByID[id] else { return false }
        if message.deliveredAt == nil { message.deliveredAt = receivedAt }
        message.receiptAt = receivedAt
        message.openedAt = openedAt
        state.outboxByID[id] = message
        return true
    }

    public func expireOutbound(before now: Timestamp) throws -> Int {
        try checkWritable()
        let expired = state.outboxOrder.filter { id in
            guard let message = state.outboxByID[id] else { return false }
            return message.isPending && message.expiresAt <= now
        }
        for id in expired { state.outboxByID[id] = nil }
        let gone = Set(expired)
        state.outboxOrder.removeAll { gone.contains($0) }
        return expired.count
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

    // MARK: Seen ids

    public func markSeen(id: MessageID, ackHash: [UInt8], until: Timestamp) throws {
        try checkWritable()
        let key = SeenKey(id: id, ackHash: ackHash)
        state.seen[key] = max(state.seen[key] ?? until, until)
    }

    public func isSeen(id: MessageID, ackHash: [UInt8]) throws -> Bool {
        state.seen[SeenKey(id: id, ackHash: ackHash)] != nil
    }

    public func purgeSeen(before now: Timestamp) throws -> Int {
        try checkWritable()
        let old = state.seen.filter { $0.value < now }.map(\.key)
        for key in old { state.seen[key] = nil }
        return old.count
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

    // MARK: Housekeeping

    public func counts() throws -> StoreCounts {
        let pending = state.outboxByID.values.filter(\.isPending).count
        return StoreCounts(
            outboxPending: pending, outboxDelivered: state.outboxByID.count - pending, inbox: state.inbox.count,
            relay: 0)
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
