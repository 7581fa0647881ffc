import FerryCrypto
import FerryStore
import FerryWire

extension NodeCore {
    /// Dispatches one frame from an established (or hello-awaiting) link.
    func handle(_ frame: Frame, on link: LinkID, now: Timestamp, actions: inout [CoreAction]) throws {
        guard var session = sessions[link] else { return }
        if case .hello(let hello) = frame {
            let peerIdentity = try session.acceptHello(hello, now: now)
            sessions[link] = session
            try store.putIdentity(peerIdentity.record.encoded(), for: peerIdentity.address)
            actions.append(.linkEstablished(link, peerIdentity.address))
            actions.append(.log(.info, "link up with \(peerIdentity.address.short) at \(session.endpoint)"))
            try flushOutbound(to: peerIdentity.address, now: now, actions: &actions)
            return
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
            try acceptProof(proof, from: peer, now: now, actions: &actions)
        case .refuse(let id, let reason):
            if inflight[id] == link { clearInflight(id) }
            actions.append(.log(.notice, "\(peer.short) refused message \(id.text.prefix(8)): \(reason)"))
        case .ping(let nonce):
            try session.send(.pong(nonce: nonce))
        case .pong:
            break  // lastHeard was updated on receipt
        case .close(let reason, let text):
            actions.append(.log(.info, "\(peer.short) closed the link (\(reason)): \(text)"))
            sessions[link] = nil
            releaseInflight(on: link)
            actions.append(.close(link))
        }
    }

    /// A peer offers custody of an envelope. For now a node takes only messages addressed to it;
    /// relaying is refused (`notForMe`) and the sender keeps custody.
    func receiveEnvelope(
        _ bytes: [UInt8], from peer: Address, on session: LinkSession, now: Timestamp, actions: inout [CoreAction]
    ) throws {
        let envelope: Envelope
        do { envelope = try Envelope.decode(bytes) } catch {
            throw LinkSession.Failure(reason: .protocolError, message: "bad envelope: \(error)")
        }
        guard envelope.destination == address else {
            return try session.send(.refuse(id: envelope.id, reason: .notForMe))
        }
        // A copy we already hold is answered with the same proof and shown only once. The id alone is
        // the sender's choice (a decoy can reuse it), so a copy counts only if its secret hashes to
        // this envelope's ack hash; anything else is opened as the new message it is.
        let copies = try store.inbound(id: envelope.id)
        if let known = copies.first(where: { Digests.sha256($0.ackSecret) == envelope.ackHash }) {
            return try session.send(.proof(DeliveryProof(id: envelope.id, ackSecret: known.ackSecret)))
        }
        guard envelope.expires > now else { return try session.send(.refuse(id: envelope.id, reason: .expired)) }
        let opened: EnvelopeSeal.Opened
        do { opened = try EnvelopeSeal.open(envelope, as: identity, senders: senders) } catch {
            actions.append(.log(.warning, "refused message \(envelope.id.text.prefix(8)) from link \(peer.short): \(error)"))
            return try session.send(.refuse(id: envelope.id, reason: .invalid))
        }
        if try !store.isSeen(id: envelope.id, ackHash: envelope.ackHash) {
            try accept(opened, envelope: envelope, via: peer, now: now, actions: &actions)
        }
        try session.send(.proof(DeliveryProof(id: envelope.id, ackSecret: opened.content.ackSecret)))
        // The proof goes first; then the receipt, if the sender is linked.
        try flushOutbound(to: opened.sender.address, now: now, actions: &actions)
    }

    /// Stores an opened message (before any proof leaves: the driver commits first) and reacts to its type.
    func accept(
        _ opened: EnvelopeSeal.Opened, envelope: Envelope, via peer: Address, now: Timestamp,
        actions: inout [CoreAction]
    ) throws {
        let sender = opened.sender
        try store.putIdentity(sender.record.encoded(), for: sender.address)
        switch opened.content.contentType {
        case .text:
            let message = InboundMessage(
                id: envelope.id, from: sender.address, contentType: ContentType.text.rawValue,
                body: opened.content.body, sentAt: envelope.created, receivedAt: now,
                path: peer == sender.address ? .direct : .mesh, hops: opened.hops,
                ackSecret: opened.content.ackSecret, expiresAt: envelope.expires)
            if let stored = try store.addInbound(message) {
                actions.append(.delivered(stored))
                try enqueueReceipt(for: stored, to: sender, now: now)
            }
        case .receipt:
            try store.markSeen(id: envelope.id, ackHash: envelope.ackHash, until: envelope.expires)
            let receipt: Receipt
            do { receipt = try Receipt.decode(opened.content.body) } catch {
                actions.append(.log(.warning, "malformed receipt from \(sender.address.short): \(error)"))
                return
            }
            // Only the recipient of our message may confirm it: it sealed the receipt with its own key.
            guard let original = try store.outbound(id: receipt.messageID), original.destination == sender.address else {
                actions.append(.log(.notice, "receipt from \(sender.address.short) for an unknown message"))
                return
            }
            if try store.markReceipt(id: original.id, receivedAt: now, openedAt: receipt.openedAt) {
                clearInflight(original.id)
                actions.append(.receiptReceived(original.id, openedAt: receipt.openedAt))
            }
        }
    }

    /// A delivery proof is checked against the ack hash we keep; a lying peer's proof is ignored.
    func acceptProof(_ proof: DeliveryProof, from peer: Address, now: Timestamp, actions: inout [CoreAction]) throws {
        guard let message = try store.outbound(id: proof.id) else { return }
        guard Digests.proofMatches(proof, ackHash: message.ackHash) else {
            actions.append(.log(.warning, "\(peer.short) sent a false delivery proof for \(proof.id.text.prefix(8))"))
            return
        }
        clearInflight(proof.id)
        if try store.markDelivered(id: proof.id, at: now) {
            actions.append(.proofAccepted(proof.id))
        }
        try flushOutbound(to: message.destination, now: now, actions: &actions)
    }
}
