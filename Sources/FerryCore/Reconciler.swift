import FerryWire

/// One side of a set reconciliation over one link: a pure state machine, bytes in and out through
/// `SyncMessage`, no I/O (docs/PROTOCOL.md §Set reconciliation).
///
/// The initiator calls `initiate()` and sends the message; from then on each side passes every
/// message it receives to `respond(to:)` and sends the reply, if there is one. The sync is over
/// for a side when `respond` returns no reply, or returns a reply that asks nothing
/// (`isComplete` is then true: that reply is the last message of the sync). Unlike Negentropy,
/// where only the initiator learns the result, both sides learn it: whoever compares an item list
/// sends back the settled difference. So each side can push what the other lacks, and neither
/// needs to ask for anything.
///
/// `have` and `need` are what each message settled; their union over a sync is the full answer.
/// An id appears in both when the two sides hold it with different times (they are then
/// different items). A sync whose replies were cut short by the size limit may report an id again
/// in a later round; callers treat the lists as sets.
///
/// Everything a peer can make it do is bounded: messages by `ReconcilerLimits.roundsMax`, each
/// message's size and ranges by `WireLimits`, the reply by `replyBytesMax`. Any inconsistency is
/// a `SyncError`, after which the reconciler refuses every further message.
public struct Reconciler: Sendable {
    public enum State: Sendable, Equatable {
        /// Nothing sent or received yet.
        case fresh
        /// The last message sent asks a question; the peer's answer is due.
        case awaitingReply
        /// Nothing more will be asked or answered.
        case complete
        /// A message broke the rules; the sync is over.
        case failed
    }

    public private(set) var state = State.fresh
    /// Messages received so far in this sync.
    public private(set) var messagesReceived = 0
    private let items: SyncItems
    private let limits: ReconcilerLimits

    /// A sync of `items` (kept as they are now, whatever happens to the caller's copy later).
    public init(items: SyncItems, limits: ReconcilerLimits = ReconcilerLimits()) {
        precondition(limits.replyBytesMax <= WireLimits.syncMessageBytesMax, "reply limit above the wire limit")
        precondition(limits.branchingMin >= 2 && limits.branchingMin <= limits.branchingMax, "bad branching")
        precondition(limits.initialBranching >= 2 && limits.itemListItemsMax >= 1, "bad split limits")
        self.items = items
        self.limits = limits
    }

    public var isComplete: Bool { state == .complete }

    /// The first message of a sync: the items themselves if there are few, else fingerprints of
    /// `initialBranching` equal slices of the whole set.
    public mutating func initiate() -> SyncMessage {
        precondition(state == .fresh, "initiate() starts a sync; this reconciler has already begun one")
        var builder = SyncReplyBuilder(bytesMax: limits.replyBytesMax)
        let pass = ReconcilerPass(items: items, limits: limits)
        let opened = builder.append(pass.split(0..<items.count, upper: .infinity, branching: limits.initialBranching))
        precondition(opened, "the first message always fits")
        state = .awaitingReply
        return builder.finish()
    }

    /// Takes the peer's message; returns the reply to send (nil when the message asked nothing)
    /// and what the message settled: ids this side holds that the peer lacks (`have`) and ids the
    /// peer holds that this side lacks (`need`).
    ///
    /// `message` is as `SyncMessage.decode` returns it: bytes from a peer go through
    /// `respond(toEncoded:)` or the decoder first. A value built in process that breaks the
    /// decoder's rules is a programmer error and may trap.
    public mutating func respond(
        to message: SyncMessage
    ) throws(SyncError) -> (reply: SyncMessage?, have: [MessageID], need: [MessageID]) {
        switch state {
        case .failed: throw .alreadyFailed
        case .complete: try fail(.afterCompletion)
        case .fresh, .awaitingReply: break
        }
        guard messagesReceived < limits.roundsMax else { try fail(.tooManyRounds(max: limits.roundsMax)) }
        messagesReceived += 1
        var pass = ReconcilerPass(items: items, limits: limits)
        do {
            try pass.run(message)
        } catch {
            try fail(error)
        }
        let reply = message.needsReply ? pass.builder.finish() : nil
        state = reply?.needsReply == true ? .awaitingReply : .complete
        return (reply, pass.have, pass.need)
    }

    /// `respond(to:)` for the encoded message, as it comes off the link.
    public mutating func respond(
        toEncoded bytes: [UInt8]
    ) throws(SyncError) -> (reply: SyncMessage?, have: [MessageID], need: [MessageID]) {
        if state == .failed { throw .alreadyFailed }
        let message: SyncMessage
        do {
            message = try SyncMessage.decode(bytes)
        } catch {
            try fail(.malformed(error))
        }
        return try respond(to: message)
    }

    private mutating func fail(_ error: SyncError) throws(SyncError) -> Never {
        state = .failed
        throw error
    }
}
