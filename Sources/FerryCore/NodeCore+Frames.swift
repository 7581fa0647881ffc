import FerryCrypto
import FerryStore
import FerryWire

extension NodeCore {
    /// Dispatches one frame from an established (or hello-awaiting) link. Throws only
    /// `LinkSession.Failure`, which closes the link; store errors are answered and reported here.
    func handle(_ frame: Frame, on session: LinkSession, now: CoreTime, actions: inout [CoreAction]) throws {
        if case .hello(let hello) = frame {
            return try establish(session, hello: hello, now: now, actions: &actions)
        }
        guard case .established(let peer) = session.state else {
            throw LinkSession.Failure(reason: .protocolError, message: "\(frame.kind) before hello")
        }
        switch frame {
        case .hello:
            break  // handled above
        case .envelope(let bytes):
            try receiveEnvelope(bytes, from: peer, on: session, now: now, actions: &actions)
        case .proof(let proof):
            acceptProof(proof, from: peer, now: now, actions: &actions)
        case .refuse(let id, let reason):
            if inflight[id]?.link == session.id { clearInflight(id) }
            actions.append(.log(.notice, "\(displayName(peer)) refused message \(id.text): \(reason)"))
        case .ping(let nonce):
            if session.pingAnswers.take(now: now.monotonic) {
                session.send(.pong(nonce: nonce))
            } else {
                counters.pingsIgnored += 1
            }
        case .pong:
            break  // lastHeard was updated on receipt
        case .close(let reason, let text):
            actions.append(.log(.info, "\(displayName(peer)) closed the link (\(reason)): \(SafeText.escaped(text, maxScalars: WireLimits.closeReasonBytesMax))"))
            sessions[session.id] = nil
            actions.append(.close(session.id))
            releaseInflight(of: session, now: now, actions: &actions)
        }
    }

    /// The peer's hello: check it, apply the link bounds, remember its record, start sending.
    private func establish(_ session: LinkSession, hello: Hello, now: CoreTime, actions: inout [CoreAction]) throws {
        let peerIdentity = try session.acceptHello(hello, now: now)
        let peer = peerIdentity.address
        do { try admit(session, peer: peer, now: now, actions: &actions) } catch {
            counters.linksRefused += 1
            throw error
        }
        do { try store.putIdentity(peerIdentity.record.encoded(), for: peer) } catch {
            actions.append(.storeFailed("keeping the identity record of \(peer.text): \(error)"))
        }
        actions.append(.linkEstablished(session.id, peer))
        actions.append(.log(.info, "link up with \(displayName(peer)) at \(session.endpoint)"))
        refill(session, now: now, actions: &actions)
    }

    /// A peer offers custody of an envelope. For now a node takes only messages addressed to it;
    /// relaying is refused (`notForMe`) and the sender keeps custody. The cheap checks (destination,
    /// a copy we hold, expiry, size) come before the expensive open, and an envelope reusing a known
    /// id with another ack hash is never answered with the known message's proof.
    func receiveEnvelope(
        _ bytes: [UInt8], from peer: Address, on session: LinkSession, now: CoreTime, actions: inout [CoreAction]
    ) throws {
        let envelope: Envelope
        do { envelope = try Envelope.decode(bytes) } catch {
            throw LinkSession.Failure(reason: .protocolError, message: "bad envelope: \(error)")
        }
        guard envelope.destination == address else { return session.send(.refuse(id: envelope.id, reason: .notForMe)) }
        let held: InboundMessage?
        do { held = try heldCopy(of: envelope) } catch {
            return unavailable(envelope, on: session, error, actions: &actions)
        }
        if let held {
            // A copy we already hold: answer with the same proof, show nothing twice.
            return session.send(.proof(DeliveryProof(id: envelope.id, ackSecret: held.ackSecret)))
        }
        guard envelope.expires > now.wall else { return session.send(.refuse(id: envelope.id, reason: .expired)) }
        let opened: EnvelopeSeal.Opened
        do { opened = try EnvelopeSeal.open(envelope, as: identity, senders: senders) } catch {
            return try refuseInvalid(envelope, from: peer, on: session, error, actions: &actions)
        }
        do {
            if try !store.isSeen(id: envelope.id, ackHash: envelope.ackHash) {
                try accept(opened, envelope: envelope, via: peer, now: now, actions: &actions)
            }
        } catch {
            return unavailable(envelope, on: session, error, actions: &actions)
        }
        session.send(.proof(DeliveryProof(id: envelope.id, ackSecret: opened.content.ackSecret)))
        // The proof goes first; then the receipt, if the sender is linked.
        flushOutbound(to: opened.sender.address, now: now, actions: &actions)
    }

    /// The inbox message this envelope is a copy of: same id *and* same ack hash.
    func heldCopy(of envelope: Envelope) throws -> InboundMessage? {
        try store.inbound(id: envelope.id).first { Digests.sha256($0.ackSecret) == envelope.ackHash }
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

    /// Stores an opened message (before any proof leaves: the driver commits first) and reacts to its type.
    func accept(
        _ opened: EnvelopeSeal.Opened, envelope: Envelope, via peer: Address, now: CoreTime,
        actions: inout [CoreAction]
    ) throws {
        let sender = opened.sender
        try store.putIdentity(sender.record.encoded(), for: sender.address)
        switch opened.content.contentType {
        case .text:
            let message = InboundMessage(
                id: envelope.id, from: sender.address, contentType: ContentType.text.rawValue,
                body: opened.content.body, sentAt: envelope.created, receivedAt: now.wall,
                path: peer == sender.address ? .direct : .mesh, hops: opened.hops,
                ackSecret: opened.content.ackSecret, expiresAt: envelope.expires)
            if let stored = try store.addInbound(message) {
                actions.append(.delivered(stored))
                try enqueueReceipt(for: stored, to: sender, now: now)
            }
        case .receipt:
            try store.markSeen(id: envelope.id, ackHash: envelope.ackHash, until: envelope.expires)
            try acceptReceipt(opened, actions: &actions, now: now)
        }
    }

    private func acceptReceipt(_ opened: EnvelopeSeal.Opened, actions: inout [CoreAction], now: CoreTime) throws {
        let sender = opened.sender
        let receipt: Receipt
        do { receipt = try Receipt.decode(opened.content.body) } catch {
            actions.append(.log(.warning, "malformed receipt from \(displayName(sender.address)): \(error)"))
            return
        }
        // Only the recipient of our message may confirm it: it sealed the receipt with its own key.
        guard let original = try store.outbound(id: receipt.messageID), original.destination == sender.address else {
            actions.append(.log(.notice, "receipt from \(displayName(sender.address)) for an unknown message"))
            return
        }
        if try store.markReceipt(id: original.id, receivedAt: now.wall, openedAt: receipt.openedAt) {
            clearInflight(original.id)
            actions.append(.receiptReceived(original.id, openedAt: receipt.openedAt))
        }
    }

    /// A delivery proof is checked against the ack hash we keep; a lying peer's proof is ignored.
    func acceptProof(_ proof: DeliveryProof, from peer: Address, now: CoreTime, actions: inout [CoreAction]) {
        let message: OutboundMessage
        do {
            guard let found = try store.outbound(id: proof.id) else { return }
            message = found
        } catch {
            return actions.append(.storeFailed("reading message \(proof.id.text) for its proof: \(error)"))
        }
        guard Digests.proofMatches(proof, ackHash: message.ackHash) else {
            return actions.append(.log(.warning, "\(displayName(peer)) sent a false delivery proof for \(proof.id.text)"))
        }
        clearInflight(proof.id)
        do {
            if try store.markDelivered(id: proof.id, at: now.wall) { actions.append(.proofAccepted(proof.id)) }
        } catch {
            actions.append(.storeFailed("recording the proof for \(proof.id.text): \(error)"))
        }
        flushOutbound(to: message.destination, now: now, actions: &actions)
    }

}
