import FerryCrypto
import FerryStore
import FerryWire

/// Set reconciliation between two linked nodes (docs/PROTOCOL.md §Set reconciliation): the dialler
/// starts one over each set when the link comes up and again every `syncIntervalMilliseconds`.
/// Both sides learn the result as the rounds settle it, and each pushes what the other lacks:
/// messages by the routing rules, proofs at once. So nobody has to ask (`want` is answered, not
/// sent). The cost follows the difference.
extension NodeCore {
    /// One reconciliation over one set on one link.
    struct LinkSync {
        var reconciler: Reconciler
        var rounds = 0
        let initiator: Bool
        /// When this side last sent or heard a message of it: a sync quiet for longer than
        /// `CoreLimits.syncStallMilliseconds` is dropped (`abandonStalledSyncs`).
        var lastProgress: MonotonicTime
    }

    func startSync(on session: LinkSession, now: CoreTime, actions: inout [CoreAction]) {
        // Nodes reconcile with nodes and coordinators with coordinators: a node's store and a
        // coordinator's mailboxes have little in common, and the cost follows the difference.
        guard session.outbound, session.capabilities.contains(.sync), session.peerIsCoordinator == isCoordinator else { return }
        session.lastSync = now.monotonic
        for set in [SyncSet.messages, .proofs] where session.syncs[set] == nil {
            var reconciler = Reconciler(items: items(of: set))
            let first = reconciler.initiate()
            session.syncs[set] = LinkSync(reconciler: reconciler, initiator: true, lastProgress: now.monotonic)
            session.send(.sync(set: set, message: first.encoded()))
        }
    }

    func index(_ set: SyncSet) -> SyncIndex {
        switch set {
        case .messages: return heldSet
        case .proofs: return proofSet
        }
    }

    /// The set's items for a new reconciliation (built once per batch of changes).
    func items(of set: SyncSet) -> SyncItems {
        switch set {
        case .messages: return heldSet.items()
        case .proofs: return proofSet.items()
        }
    }

    /// One reconciliation message: answer it and push what it showed the peer lacks. A peer that lies
    /// or goes on too long (more than `ReconcilerLimits.roundsMax` messages) loses the link.
    func receiveSync(_ set: SyncSet, _ bytes: [UInt8], on session: LinkSession, now: CoreTime, actions: inout [CoreAction]) throws {
        guard session.syncBudget.take(now: now.monotonic) else {
            throw LinkSession.Failure(reason: .protocolError, message: "more than \(limits.syncMessagesPerSecond) reconciliation messages a second")
        }
        let message: SyncMessage
        do { message = try SyncMessage.decode(bytes) } catch {
            throw LinkSession.Failure(reason: .protocolError, message: "bad sync message: \(error)")
        }
        var sync = session.syncs[set]
            ?? LinkSync(reconciler: Reconciler(items: items(of: set)), initiator: false, lastProgress: now.monotonic)
        sync.rounds += 1
        sync.lastProgress = now.monotonic
        let result: (reply: SyncMessage?, have: [MessageID], need: [MessageID])
        do { result = try sync.reconciler.respond(to: message) } catch {
            throw LinkSession.Failure(reason: .protocolError, message: "reconciliation: \(error)")
        }
        if let reply = result.reply {
            session.send(.sync(set: set, message: reply.encoded()))
        }
        session.syncs[set] = sync.reconciler.isComplete ? nil : sync
        offerFound(set, ids: result.have, on: session, now: now, actions: &actions)
    }

    /// The peer lacks these: messages go to its spray queue where the rules allow, proofs to its
    /// proof queue; both are sent as the socket drains.
    private func offerFound(_ set: SyncSet, ids: [MessageID], on session: LinkSession, now: CoreTime, actions: inout [CoreAction]) {
        guard let peer = session.peer else { return }
        do {
            for id in ids {
                guard let key = index(set).key(for: id) else { continue }
                switch set {
                case .messages:
                    guard let held = try store.held(key), let offer = offer(for: held, on: session, now: now) else { continue }
                    if offer == .direct { session.outboxExhausted = false } else { enqueueSpray(key, on: session) }
                case .proofs:
                    guard let proof = try store.proof(key) else { continue }
                    enqueueProof(DeliveryProof(id: proof.id, ackSecret: proof.ackSecret, hops: proof.hops, path: ProofPath(proof.path)), on: session)
                }
            }
        } catch {
            actions.append(.storeFailed("offering what \(peer.text) lacks: \(error)"))
        }
        refill(session, now: now, actions: &actions)
    }

    /// A peer that stops answering a sync (slow, or keeping the link alive with pings alone) would
    /// keep its reconciler's copy of the set here and stop every later sync on the link, since a
    /// running sync is not restarted. After `syncStallMilliseconds` of silence the sync is dropped
    /// and counted; the next starts at the usual interval. The link stays: slowness is no offence.
    func abandonStalledSyncs(_ session: LinkSession, now: CoreTime) {
        for (set, sync) in session.syncs where now.monotonic.since(sync.lastProgress) > limits.syncStallMilliseconds {
            session.syncs[set] = nil
            counters.syncsAbandoned += 1
        }
    }

    /// The peer asks for items it lacks: offered by the same rules as any other (a message whose
    /// copies are spent is not sprayed just because someone asks).
    func receiveWant(_ set: SyncSet, _ ids: [[UInt8]], on session: LinkSession, now: CoreTime, actions: inout [CoreAction]) {
        let known = ids.compactMap { try? MessageID(bytes: $0) }
        offerFound(set, ids: known, on: session, now: now, actions: &actions)
    }

    /// Builds the reconciliation sets and the relay usage from the store (at start, and after a
    /// rollback undid writes they had followed).
    func loadSyncSets(now: Timestamp) throws {
        heldSet = SyncIndex()
        proofSet = SyncIndex()
        relayUsage = CustodySums(kind: .relay)
        mailboxUsage = CustodySums(kind: .mailbox)
        var after: Int64 = 0
        for _ in 0..<Self.loadPassesMax {
            let batch = try store.pendingHeld(now: now, afterSeq: after, limit: Self.loadBatchMax)
            for held in batch {
                heldSet.insert(held.key, at: held.createdAt)
                relayUsage.add(held)
                mailboxUsage.add(held)
            }
            guard let last = batch.last, batch.count == Self.loadBatchMax else { break }
            after = last.seq
        }
        after = 0
        for _ in 0..<Self.loadPassesMax {
            let batch = try store.proofs(afterSeq: after, limit: Self.loadBatchMax)
            for proof in batch { proofSet.insert(proof.key, at: proof.expiresAt) }
            guard let last = batch.last, batch.count == Self.loadBatchMax else { break }
            after = last.seq
        }
    }

    /// Rows read per pass when loading the sets, and passes at most (enough for 10 million rows).
    static let loadBatchMax = 4096
    static let loadPassesMax = 2500

    /// A message left custody here (delivered, evicted, expired, unreadable): out of the set and the sums.
    func forgetHeld(_ key: CustodyKey) {
        heldSet.remove(key)
        relayUsage.remove(key)
        mailboxUsage.remove(key)
        lastOffered[key] = nil
    }

    /// The driver rolled the store back: the in-memory sets follow the store again. (Every link is
    /// closed too, so nothing in flight refers to the undone writes.)
    public func storeRolledBack(now: CoreTime) throws {
        try loadSyncSets(now: now.wall)
    }
}
