import FerryCrypto
import FerryStore
import FerryWire

extension NodeCore {
    /// Seals `body` to `recipient`, puts it in the outbox and, if the recipient is linked, offers it
    /// at once. The caller replies "sent" only after the store commits.
    public func submit(
        body: [UInt8], contentType: ContentType = .text, to recipient: VerifiedIdentity, now: Timestamp
    ) throws -> (MessageID, [CoreAction]) {
        var actions: [CoreAction] = []
        let id = try enqueue(body: body, contentType: contentType, kind: .message, to: recipient, now: now)
        try flushOutbound(to: recipient.address, now: now, actions: &actions)
        return (id, actions)
    }

    /// A receipt tells the sender we opened its message; it travels like any message, in custody.
    func enqueueReceipt(for message: InboundMessage, to sender: VerifiedIdentity, now: Timestamp) throws {
        let body = Receipt(messageID: message.id, openedAt: now).encoded()
        _ = try enqueue(body: body, contentType: .receipt, kind: .receipt, to: sender, now: now)
    }

    func enqueue(
        body: [UInt8], contentType: ContentType, kind: OutboundKind, to recipient: VerifiedIdentity, now: Timestamp
    ) throws -> MessageID {
        let id = try MessageID(bytes: random.bytes(MessageID.byteCount))
        let draft = EnvelopeSeal.Draft(
            id: id, created: now, expires: now.adding(milliseconds: limits.messageLifetimeMilliseconds),
            contentType: contentType, body: body, ackSecret: random.bytes(SealedContent.ackSecretByteCount))
        let envelope = try EnvelopeSeal.seal(draft, to: recipient, from: identity, senderRecord: record)
        try store.addOutbound(OutboundMessage(
            id: id, destination: recipient.address, kind: kind, envelope: envelope.encoded(),
            ackHash: envelope.ackHash, createdAt: now, expiresAt: envelope.expires))
        return id
    }

    /// Offers pending messages for `destination` on its least-loaded link, up to the in-flight window.
    func flushOutbound(to destination: Address, now: Timestamp, actions: inout [CoreAction]) throws {
        guard let link = link(to: destination), let session = sessions[link] else { return }
        let inflightHere = inflight.values.reduce(0) { $0 + ($1 == link ? 1 : 0) }
        let room = limits.inflightPerLinkMax - inflightHere
        guard room > 0 else { return }
        let pending = try store.pendingOutbound(to: destination, now: now, limit: room + inflight.count)
        var sent = 0
        for message in pending where sent < room && inflight[message.id] == nil {
            try session.send(.envelope(message.envelope))
            inflight[message.id] = link
            sent += 1
        }
        if sent > 0 { emitOutput(session, into: &actions) }
    }
}
