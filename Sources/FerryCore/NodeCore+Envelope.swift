import FerryCrypto
import FerryStore
import FerryWire

extension NodeCore {
    /// A peer offers custody of an envelope: for us, we open and prove it; for someone else, we carry
    /// it as a relay copy under the quotas. The cheap checks (a proof or copy we already hold, the
    /// expiry, the hop limit, the sealed size) come before the expensive open, and a message is
    /// always its (id, ack hash): a known id with another ack hash is another message.
    func receiveEnvelope(
        _ bytes: [UInt8], from peer: Address, on session: LinkSession, now: CoreTime, actions: inout [CoreAction]
    ) throws {
        let envelope: Envelope
        do { envelope = try Envelope.decode(bytes) } catch {
            throw LinkSession.Failure(reason: .protocolError, message: "bad envelope: \(error)")
        }
        let key = CustodyKey(id: envelope.id, ackHash: envelope.ackHash)
        session.peerHolds.insert(key)
        do {
            // An anti-packet: the message was delivered; the proof answers any copy.
            if let proof = try store.proof(key) {
                return session.send(.proof(DeliveryProof(id: proof.id, ackSecret: proof.ackSecret, hops: proof.hops, path: ProofPath(proof.path))))
            }
        } catch {
            return unavailable(envelope, on: session, error, actions: &actions)
        }
        if envelope.destination == address {
            try receiveForUs(envelope, from: peer, on: session, now: now, actions: &actions)
        } else {
            receiveForRelay(envelope, bytes: bytes, from: peer, on: session, now: now, actions: &actions)
        }
    }

    /// An envelope addressed to us: answered with the proof of the copy we hold, or opened, stored
    /// in the inbox and proven (the proof also becomes an anti-packet for the mesh).
    private func receiveForUs(
        _ envelope: Envelope, from peer: Address, on session: LinkSession, now: CoreTime, actions: inout [CoreAction]
    ) throws {
        let held: InboundMessage?
        do { held = try heldCopy(of: envelope) } catch {
            return unavailable(envelope, on: session, error, actions: &actions)
        }
        if let held {
            // A copy we already hold: answer with the same proof, show nothing twice.
            return session.send(.proof(DeliveryProof(id: envelope.id, ackSecret: held.ackSecret, hops: held.hops, path: ProofPath(held.path))))
        }
        guard envelope.expires > now.wall else { return session.send(.refuse(id: envelope.id, reason: .expired)) }
        let opened: EnvelopeSeal.Opened
        do { opened = try EnvelopeSeal.open(envelope, as: identity, senders: senders) } catch {
            return try refuseInvalid(envelope, from: peer, on: session, error, actions: &actions)
        }
        let path: DeliveryPath = session.peerIsCoordinator
            ? .coordinator : peer == opened.sender.address && opened.hops == 1 ? .direct : .mesh
        let proof = DeliveryProof(id: envelope.id, ackSecret: opened.content.ackSecret, hops: opened.hops, path: ProofPath(path))
        do {
            try accept(opened, envelope: envelope, path: path, now: now, actions: &actions)
            try rememberProof(proof, expiresAt: envelope.expires, now: now)
        } catch {
            return unavailable(envelope, on: session, error, actions: &actions)
        }
        session.send(.proof(proof))
        spreadProof(proof, key: CustodyKey(id: envelope.id, ackHash: envelope.ackHash), except: session, now: now, actions: &actions)
    }

    /// The inbox message this envelope is a copy of: same id *and* same ack hash.
    func heldCopy(of envelope: Envelope) throws -> InboundMessage? {
        try store.inbound(id: envelope.id).first { Digests.sha256($0.ackSecret) == envelope.ackHash }
    }

    /// Stores an opened message in the inbox (before any proof leaves: the driver commits first).
    /// Content type 2 (the old receipts) stays reserved: such a message is proven but not shown.
    private func accept(
        _ opened: EnvelopeSeal.Opened, envelope: Envelope, path: DeliveryPath, now: CoreTime, actions: inout [CoreAction]
    ) throws {
        let sender = opened.sender
        try store.putIdentity(sender.record.encoded(), for: sender.address)
        noteRecord(sender.address, from: .message, now: now)
        guard opened.content.contentType == .text else { return }
        let message = InboundMessage(
            id: envelope.id, from: sender.address, contentType: ContentType.text.rawValue,
            body: opened.content.body, sentAt: envelope.created, receivedAt: now.wall, path: path, hops: opened.hops,
            ackSecret: opened.content.ackSecret, expiresAt: envelope.expires)
        if let stored = try store.addInbound(message) { actions.append(.delivered(stored)) }
    }

    /// An envelope for someone else: take a relay copy if the rules and quotas allow, acknowledge the
    /// hop (after our commit: the driver writes frames only then), and pass it on at once where a
    /// next hop is linked (cut-through).
    private func receiveForRelay(
        _ envelope: Envelope, bytes: [UInt8], from peer: Address, on session: LinkSession, now: CoreTime,
        actions: inout [CoreAction]
    ) {
        let id = envelope.id
        guard envelope.expires > now.wall else { return session.send(.refuse(id: id, reason: .expired)) }
        guard envelope.hopsLeft >= 1 else { return session.send(.refuse(id: id, reason: .hopLimit)) }
        guard !junkOrigins.contains(peer) else { return session.send(.refuse(id: id, reason: .quota)) }
        // Not a size any sealed message has: it cannot be a message, so it takes no room.
        guard EnvelopeSeal.isPaddedSealedSize(envelope.sealed.count) else { return session.send(.refuse(id: id, reason: .invalid)) }
        // A coordinator keeps it in the destination's mailbox; a node carries a relay copy.
        let message = HeldMessage(
            id: id, ackHash: envelope.ackHash, kind: isCoordinator ? .mailbox : .relay, destination: envelope.destination,
            envelope: bytes, copies: max(1, envelope.copies), hopsLeft: envelope.hopsLeft, createdAt: envelope.created,
            expiresAt: envelope.expires, receivedAt: now.wall, origin: peer)
        let outcome: Custody.Outcome
        do {
            outcome = isCoordinator
                ? try custody.holdMailbox(message, usage: &mailboxUsage)
                : try custody.holdRelay(message, usage: &relayUsage)
        } catch {
            return unavailable(envelope, on: session, error, actions: &actions)
        }
        switch outcome {
        case .alreadyHeld:
            session.send(.refuse(id: id, reason: .held))
        case .overQuota(let why):
            counters.quotaRefusals += 1
            actions.append(.log(.debug, "refused relay copy \(id.text) from \(displayName(peer)): \(why)"))
            session.send(.refuse(id: id, reason: .quota))
        case .stored(let held, let evicted):
            for key in evicted { forgetHeld(key) }
            counters.evicted += evicted.count
            heldSet.insert(held.key, at: held.createdAt)
            session.send(.hopAck(id: id, ackHash: envelope.ackHash))
            spread(held, now: now, actions: &actions)
        }
    }

    /// An envelope for us that does not open. Each costs a decapsulation, so a link gets only a few.
    private func refuseInvalid(
        _ envelope: Envelope, from peer: Address, on session: LinkSession, _ error: Error, actions: inout [CoreAction]
    ) throws {
        counters.invalidEnvelopes += 1
        session.invalidEnvelopes += 1
        actions.append(.log(.warning, "refused message \(envelope.id.text) from \(displayName(peer)): \(error)"))
        session.send(.refuse(id: envelope.id, reason: .invalid))
        if session.invalidEnvelopes >= limits.invalidEnvelopesPerLinkMax {
            throw LinkSession.Failure(reason: .protocolError, message: "\(session.invalidEnvelopes) envelopes that do not open")
        }
    }

    /// The store failed while taking custody: the peer keeps it (`unavailable`, no detail), the
    /// driver rolls back and the detail stays in our log.
    private func unavailable(_ envelope: Envelope, on session: LinkSession, _ error: Error, actions: inout [CoreAction]) {
        actions.append(.storeFailed("storing message \(envelope.id.text): \(error)"))
        session.send(.refuse(id: envelope.id, reason: .unavailable))
    }
}

extension ProofPath {
    /// The wire code for how a message reached its destination.
    init(_ path: DeliveryPath) {
        switch path {
        case .direct: self = .direct
        case .mesh: self = .mesh
        case .coordinator: self = .coordinator
        }
    }
}

extension DeliveryPath {
    init(_ path: ProofPath) {
        switch path {
        case .direct: self = .direct
        case .mesh: self = .mesh
        case .coordinator: self = .coordinator
        }
    }
}
