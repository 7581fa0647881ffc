import FerryCrypto
import FerryStore
import FerryWire

extension NodeCore {
    /// Seals `body` to `recipient`, puts it in the outbox and, if the recipient is linked, offers it
    /// at once. The caller replies "sent" only after the store commits. Throws the store's error (the
    /// driver then rolls back) or a sealing error.
    public func submit(
        body: [UInt8], contentType: ContentType = .text, to recipient: VerifiedIdentity, now: CoreTime
    ) throws -> (MessageID, [CoreAction]) {
        var actions: [CoreAction] = []
        let id = try enqueue(body: body, contentType: contentType, kind: .message, to: recipient, now: now)
        flushOutbound(to: recipient.address, now: now, actions: &actions)
        return (id, actions)
    }

    /// A receipt tells the sender we opened its message; it travels like any message, in custody.
    func enqueueReceipt(for message: InboundMessage, to sender: VerifiedIdentity, now: CoreTime) throws {
        let body = Receipt(messageID: message.id, openedAt: now.wall).encoded()
        _ = try enqueue(body: body, contentType: .receipt, kind: .receipt, to: sender, now: now)
    }

    func enqueue(
        body: [UInt8], contentType: ContentType, kind: OutboundKind, to recipient: VerifiedIdentity, now: CoreTime
    ) throws -> MessageID {
        let id = try MessageID(bytes: random.bytes(MessageID.byteCount))
        let draft = EnvelopeSeal.Draft(
            id: id, created: now.wall, expires: now.wall.adding(milliseconds: limits.messageLifetimeMilliseconds),
            contentType: contentType, body: body, ackSecret: random.bytes(SealedContent.ackSecretByteCount))
        let envelope = try EnvelopeSeal.seal(draft, to: recipient, from: identity, senderRecord: record)
        try store.addOutbound(OutboundMessage(
            id: id, destination: recipient.address, kind: kind, envelope: envelope.encoded(),
            ackHash: envelope.ackHash, createdAt: now.wall, expiresAt: envelope.expires))
        for session in sessions.values where session.peer == recipient.address { session.outboxExhausted = false }
        return id
    }

    /// Offers pending messages for `destination` on its link, if it has one.
    func flushOutbound(to destination: Address, now: CoreTime, actions: inout [CoreAction]) {
        guard let session = link(to: destination) else { return }
        refill(session, now: now, actions: &actions)
    }

    /// Fills a link from the outbox, by bytes: envelopes are added while the link's unwritten
    /// ciphertext is under the high-water mark and its unproven envelope bytes under the window.
    /// The link's outbox cursor makes each refill read only messages not offered there yet
    /// (docs/BENCHMARKS.md). A store error is reported, and the next write or retry tries again.
    func refill(_ session: LinkSession, now: CoreTime, actions: inout [CoreAction]) {
        guard session.isEstablished, let destination = session.peer else { return }
        var sent = 0
        do {
            // Bounded: each pass offers at least one message, moves the cursor past a batch, or ends.
            for _ in 0..<Self.refillPassesMax where hasRoom(session) && !session.outboxExhausted {
                let batch = try store.pendingOutbound(
                    to: destination, now: now.wall, afterSeq: session.offeredThroughSeq, limit: Self.refillBatchMax)
                for message in batch {
                    guard hasRoom(session) else { break }
                    if inflight[message.id] == nil {
                        session.send(.envelope(message.envelope))
                        inflight[message.id] = (session.id, message.envelope.count)
                        session.inflightCount += 1
                        session.inflightBytes += message.envelope.count
                        sent += 1
                    }
                    session.offeredThroughSeq = message.seq
                }
                if batch.count < Self.refillBatchMax && session.offeredThroughSeq == (batch.last?.seq ?? session.offeredThroughSeq) {
                    session.outboxExhausted = true
                }
            }
        } catch {
            actions.append(.storeFailed("reading the outbox for \(destination.text): \(error)"))
        }
        if sent > 0 { emitOutput(session, now: now, into: &actions) }
    }

    /// Room for one more envelope on the link: its socket queue under the high-water mark (counting
    /// frames not yet encrypted) and its unproven bytes under the window.
    func hasRoom(_ session: LinkSession) -> Bool {
        session.queuedBytes + session.pendingPlaintextBytes < limits.sendQueueHighWaterBytes
            && session.inflightBytes < limits.inflightPerLinkBytesMax
    }

    /// Refill queries per refill at most, and rows each reads.
    static let refillPassesMax = 8
    static let refillBatchMax = 64
}
