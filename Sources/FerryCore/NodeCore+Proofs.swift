import FerryCrypto
import FerryStore
import FerryWire

/// Delivery proofs as anti-packets (DESIGN.md §Envelope and delivery): a valid proof ends custody
/// everywhere it reaches — the sender marks its message delivered, relays drop their copies — and
/// is passed on, remembered until the message would have expired, so the message is refused from
/// then on. Only a node that holds (or held) the message can check a proof; one it cannot check is
/// ignored, never stored or passed on, so made-up proofs cost their sender one link's bandwidth.
extension NodeCore {
    func receiveProof(_ proof: DeliveryProof, on session: LinkSession, now: CoreTime, actions: inout [CoreAction]) {
        let key = CustodyKey(id: proof.id, ackHash: Digests.sha256(proof.ackSecret))
        session.peerHolds.insert(key)
        if let answered = clearInflight(key, on: session.id), answered.kind != .own { counters.forwarded += 1 }
        do {
            guard try store.proof(key) == nil, let held = try store.held(key) else { return }
            try acceptProof(proof, key: key, held: held, now: now, actions: &actions)
            // The peer we had the copy from may hold it still, whatever this link's memory says.
            if let origin = held.origin, let back = link(to: origin), back !== session { back.peerHolds.insert(key) }
        } catch {
            return actions.append(.storeFailed("recording the proof for \(proof.id.text): \(error)"))
        }
        spreadProof(proof, key: key, except: session, now: now, actions: &actions)
    }

    /// A proof checked against a message we hold: custody of it ends here.
    private func acceptProof(
        _ proof: DeliveryProof, key: CustodyKey, held: HeldMessage, now: CoreTime, actions: inout [CoreAction]
    ) throws {
        let path = DeliveryPath(proof.path)
        if try store.markDelivered(key, at: now.wall, path: path, hops: proof.hops) {
            forgetHeld(key)
            clearInflightEverywhere(key)
            handoffs[key] = nil
            if held.kind == .own { actions.append(.proofAccepted(proof.id, path: path, hops: proof.hops)) }
        }
        try rememberProof(proof, expiresAt: held.expiresAt, now: now)
    }

    /// Stores a checked proof as an anti-packet (until the message's expiry), keeping the table bounded.
    func rememberProof(_ proof: DeliveryProof, expiresAt: Timestamp, now: CoreTime) throws {
        let stored = StoredProof(
            id: proof.id, ackSecret: proof.ackSecret, ackHash: Digests.sha256(proof.ackSecret), expiresAt: expiresAt,
            hops: proof.hops, path: DeliveryPath(proof.path))
        guard try store.addProof(stored) else { return }
        counters.proofsSeen += 1
        proofSet.insert(stored.key, at: expiresAt)
        if try store.proofCount() > limits.proofsMax {
            for forgotten in try store.trimProofs(keep: limits.proofsMax) { proofSet.remove(forgotten) }
        }
    }

    /// Passes a new proof on at once to every other linked peer known to hold the message (it sent
    /// it to us, or took it from us): cut-through, like messages. Peers that got it elsewhere learn
    /// the proof from the proof-set reconciliation, or when they next offer the message.
    func spreadProof(_ proof: DeliveryProof, key: CustodyKey, except origin: LinkSession?, now: CoreTime, actions: inout [CoreAction]) {
        for session in establishedSessions where session !== origin && session.peerHolds.contains(key) {
            // Sent once: after the proof the message is never offered on this link again anyway.
            session.peerHolds.remove(key)
            enqueueProof(proof, on: session)
            refill(session, now: now, actions: &actions)
        }
    }
}
