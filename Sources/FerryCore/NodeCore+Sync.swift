import FerryCrypto
import FerryStore
import FerryWire

/// Set reconciliation between two linked nodes (docs/PROTOCOL.md §Set reconciliation): the dialler
/// starts one over each set when the link comes up and again every `syncIntervalMilliseconds`;
/// what it learns it has and the peer lacks it offers (messages, by the routing rules) or sends
/// (proofs), and what it lacks it asks for with `want`. The cost follows the difference.
extension NodeCore {
    /// One reconciliation over one set on one link.
    struct LinkSync {
        var reconciler: Reconciler
        var rounds = 0
        let initiator: Bool
    }

    func startSync(on session: LinkSession, now: CoreTime, actions: inout [CoreAction]) {
        guard session.outbound, session.capabilities.contains(.sync) else { return }
        session.lastSync = now.monotonic
        for set in [SyncSet.messages, .proofs] where session.syncs[set] == nil {
            var reconciler = Reconciler(items: index(set).items)
            let first = reconciler.initiate()
            session.syncs[set] = LinkSync(reconciler: reconciler, initiator: true)
            session.send(.sync(set: set, message: first.encoded()))
        }
    }

    func index(_ set: SyncSet) -> SyncIndex {
        switch set {
        case .messages: return heldSet
        case .proofs: return proofSet
        }
    }

    /// One reconciliation message: answer it (as responder, or as initiator for the next round); the
    /// initiator acts on what the round found. A peer that lies or goes on too long loses the link.
    func receiveSync(_ set: SyncSet, _ bytes: [UInt8], on session: LinkSession, now: CoreTime, actions: inout [CoreAction]) throws {
        let message: SyncMessage
        do { message = try SyncMessage.decode(bytes) } catch {
            throw LinkSession.Failure(reason: .protocolError, message: "bad sync message: \(error)")
        }
        var sync = session.syncs[set] ?? LinkSync(reconciler: Reconciler(items: index(set).items), initiator: false)
        sync.rounds += 1
        guard sync.rounds <= SyncLimits.roundsMax else {
            throw LinkSession.Failure(reason: .protocolError, message: "reconciliation took over \(SyncLimits.roundsMax) rounds")
        }
        let result: Reconciler.Round
        do { result = try sync.reconciler.respond(to: message) } catch {
            throw LinkSession.Failure(reason: .protocolError, message: "bad sync message: \(error)")
        }
        if let reply = result.reply {
            session.syncs[set] = sync
            session.send(.sync(set: set, message: reply.encoded()))
        } else {
            session.syncs[set] = nil
        }
        guard sync.initiator else { return }
        offerFound(set, ids: result.have, on: session, now: now, actions: &actions)
        askFor(set, ids: result.need, on: session)
    }

    /// The peer lacks these: messages go to its spray queue where the rules allow, proofs go at once.
    private func offerFound(_ set: SyncSet, ids: [MessageID], on session: LinkSession, now: CoreTime, actions: inout [CoreAction]) {
        guard let peer = session.peer else { return }
        do {
            for id in ids {
                guard let key = index(set).key(for: id) else { continue }
                switch set {
                case .messages:
                    guard let held = try store.held(key),
                          let offer = Router.offer(held, to: peer, capabilities: session.capabilities, now: now.wall)
                    else { continue }
                    if case .spray = offer { enqueueSpray(key, on: session) } else { session.outboxExhausted = false }
                case .proofs:
                    guard let proof = try store.proof(key) else { continue }
                    session.send(.proof(DeliveryProof(id: proof.id, ackSecret: proof.ackSecret, hops: proof.hops, path: ProofPath(proof.path))))
                }
            }
        } catch {
            actions.append(.storeFailed("offering what \(peer.text) lacks: \(error)"))
        }
        refill(session, now: now, actions: &actions)
    }

    /// Asks the peer for what we lack, in `want` frames of at most `WireLimits.wantIDsMax` ids.
    private func askFor(_ set: SyncSet, ids: [MessageID], on session: LinkSession) {
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(start + WireLimits.wantIDsMax, ids.count)]
            session.send(.want(set: set, ids: chunk.map(\.bytes)))
            start += WireLimits.wantIDsMax
        }
    }

    /// The peer asks for items it lacks: offered by the same rules as any other (a message whose
    /// copies are spent is not sprayed just because someone asks).
    func receiveWant(_ set: SyncSet, _ ids: [[UInt8]], on session: LinkSession, now: CoreTime, actions: inout [CoreAction]) {
        let known = ids.compactMap { try? MessageID(bytes: $0) }
        offerFound(set, ids: known, on: session, now: now, actions: &actions)
    }

    /// Builds the reconciliation sets from the store at start.
    func loadSyncSets(now: Timestamp) throws {
        var after: Int64 = 0
        for _ in 0..<Self.loadPassesMax {
            let batch = try store.pendingHeld(now: now, afterSeq: after, limit: Self.loadBatchMax)
            for held in batch { heldSet.insert(held.key, at: held.createdAt) }
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
}
