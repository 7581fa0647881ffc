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
    /// The link's outbox cursor makes a refill read only messages not offered there yet, so the cost
    /// per proof is one small query, not a re-read of the window (docs/BENCHMARKS.md).
    func flushOutbound(to destination: Address, now: Timestamp, actions: inout [CoreAction]) throws {
        guard let link = link(to: destination), var session = sessions[link] else { return }
        // Written back however the loop ends, so the window count always matches `inflight`.
        defer { sessions[link] = session }
        var room = limits.inflightPerLinkMax - session.inflightCount
        var sent = 0
        // Bounded: each pass either fills the window, moves the cursor past a full batch, or ends.
        for _ in 0..<Self.refillPassesMax where room > 0 {
            let requested = room
            let batch = try store.pendingOutbound(
                to: destination, now: now, afterSeq: session.offeredThroughSeq, limit: requested)
            for message in batch where inflight[message.id] == nil {
                try session.send(.envelope(message.envelope))
                inflight[message.id] = link
                session.inflightCount += 1
                room -= 1
                sent += 1
            }
            session.offeredThroughSeq = batch.last?.seq ?? session.offeredThroughSeq
            // A short batch means nothing newer is pending; a full one may have been all in flight elsewhere.
            if batch.count < requested { break }
        }
        if sent > 0 { emitOutput(session, into: &actions) }
    }

    /// Refill queries per flush at most (each reads at most a window of rows).
    static let refillPassesMax = 4
}
