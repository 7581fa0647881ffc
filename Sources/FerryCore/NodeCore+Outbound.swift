import FerryCrypto
import FerryStore
import FerryWire

extension NodeCore {
    /// Seals `body` to `recipient` and takes it into custody as an own message with the initial copy
    /// budget; offers it at once to the recipient if linked, and to linked relays. The caller replies
    /// "sent" only after the store commits. Throws the store's error (the driver then rolls back) or
    /// a sealing error.
    public func submit(
        body: [UInt8], contentType: ContentType = .text, to recipient: VerifiedIdentity, now: CoreTime
    ) throws -> (MessageID, [CoreAction]) {
        var actions: [CoreAction] = []
        let id = try MessageID(bytes: random.bytes(MessageID.byteCount))
        let draft = EnvelopeSeal.Draft(
            id: id, created: now.wall, expires: now.wall.adding(milliseconds: limits.messageLifetimeMilliseconds),
            contentType: contentType, body: body, ackSecret: random.bytes(SealedContent.ackSecretByteCount),
            copies: limits.sprayCopiesInitial)
        let envelope = try EnvelopeSeal.seal(draft, to: recipient, from: identity, senderRecord: record)
        let message = HeldMessage(
            id: id, ackHash: envelope.ackHash, kind: .own, destination: recipient.address, envelope: envelope.encoded(),
            copies: envelope.copies, hopsLeft: envelope.hopsLeft, createdAt: envelope.created,
            expiresAt: envelope.expires, receivedAt: now.wall, origin: nil)
        guard let held = try store.hold(message) else { throw StoreError.duplicate(id) }
        heldSet.insert(held.key, at: held.createdAt)
        spread(held, now: now, actions: &actions)
        return (id, actions)
    }

    /// A message newly in custody goes out at once where it can: to its destination if linked (the
    /// link's direct cursor finds it), and to linked relays while it has copies to share.
    func spread(_ message: HeldMessage, now: CoreTime, actions: inout [CoreAction]) {
        for session in establishedSessions {
            guard let peer = session.peer, peer != message.origin, !session.peerHolds.contains(message.key),
                  let offer = offer(for: message, on: session, now: now)
            else { continue }
            switch offer {
            case .direct: session.outboxExhausted = false
            case .spray, .handoff: enqueueSpray(message.key, on: session)
            }
            refill(session, now: now, actions: &actions)
            emitOutput(session, now: now, into: &actions)
        }
    }

    /// Queues a held message to be offered on a link after its direct offers; bounded per link.
    func enqueueSpray(_ key: CustodyKey, on session: LinkSession) {
        guard session.sprayQueue.count < limits.sprayQueuePerLinkMax, !session.sprayQueued.contains(key) else { return }
        session.sprayQueue.append(key)
        session.sprayQueued.insert(key)
    }

    /// Queues a proof to be pushed on a link as its socket drains; dropped when the link's queue is
    /// full (the next sync finds it again).
    func enqueueProof(_ proof: DeliveryProof, on session: LinkSession) {
        guard session.proofsQueued < limits.proofQueuePerLinkMax else { return }
        if session.proofQueueHead > limits.proofQueuePerLinkMax / 2 {
            session.proofQueue.removeFirst(session.proofQueueHead)
            session.proofQueueHead = 0
        }
        session.proofQueue.append(proof)
    }

    /// Offers pending messages for `destination` on its link, if it has one.
    func flushOutbound(to destination: Address, now: CoreTime, actions: inout [CoreAction]) {
        guard let session = link(to: destination) else { return }
        refill(session, now: now, actions: &actions)
    }

    /// Fills a link, by bytes: first everything held for the peer itself (direct delivery is
    /// preferred), then the relay offers queued for it. Envelopes are added while the link's
    /// unwritten ciphertext is under the high-water mark and its unanswered bytes under the window.
    /// A store error is reported, and the next write or retry tries again. The caller emits output.
    func refill(_ session: LinkSession, now: CoreTime, actions: inout [CoreAction]) {
        guard session.isEstablished, let peer = session.peer else { return }
        var sent = 0
        do {
            sent += try refillDirect(session, peer: peer, now: now, actions: &actions)
            sent += refillProofs(session)
            sent += try refillSpray(session, peer: peer, now: now, actions: &actions)
        } catch {
            actions.append(.storeFailed("reading custody for \(peer.text): \(error)"))
        }
        if sent > 0 { emitOutput(session, now: now, into: &actions) }
    }

    /// Walks the link's cursor over messages held for the peer. Bounded: each pass offers at least
    /// one message, moves the cursor past a batch, or ends.
    private func refillDirect(_ session: LinkSession, peer: Address, now: CoreTime, actions: inout [CoreAction]) throws -> Int {
        var sent = 0
        for _ in 0..<Self.refillPassesMax where hasRoom(session) && !session.outboxExhausted {
            let batch = try store.pendingHeld(
                for: peer, now: now.wall, afterSeq: session.offeredThroughSeq, limit: Self.refillBatchMax)
            for message in batch {
                guard hasRoom(session) else { break }
                let key = message.key
                if inflight[InflightKey(key: key, link: session.id)] == nil, !session.peerHolds.contains(key),
                   offer(for: message, on: session, now: now) == .direct {
                    if offer(message, .direct, on: session, now: now, actions: &actions) { sent += 1 }
                }
                session.offeredThroughSeq = message.seq
            }
            if batch.count < Self.refillBatchMax && session.offeredThroughSeq == (batch.last?.seq ?? session.offeredThroughSeq) {
                session.outboxExhausted = true
            }
        }
        return sent
    }

    /// Pushes queued proofs while the socket has room (they are not acknowledged, so the window
    /// does not hold them back).
    private func refillProofs(_ session: LinkSession) -> Int {
        var sent = 0
        while session.proofsQueued > 0,
              session.queuedBytes + session.pendingPlaintextBytes < limits.sendQueueHighWaterBytes {
            session.send(.proof(session.proofQueue[session.proofQueueHead]))
            session.proofQueueHead += 1
            sent += 1
        }
        if session.proofsQueued == 0 {
            session.proofQueue = []
            session.proofQueueHead = 0
        }
        return sent
    }

    /// Offers queued relay copies, each re-checked against the routing rules as it is now.
    private func refillSpray(_ session: LinkSession, peer: Address, now: CoreTime, actions: inout [CoreAction]) throws -> Int {
        var sent = 0
        while hasRoom(session), !session.sprayQueue.isEmpty {
            let key = session.sprayQueue.removeFirst()
            session.sprayQueued.remove(key)
            guard inflight[InflightKey(key: key, link: session.id)] == nil, !session.peerHolds.contains(key),
                  let message = try store.held(key),
                  let offer = offer(for: message, on: session, now: now)
            else { continue }
            if self.offer(message, offer, on: session, now: now, actions: &actions) { sent += 1 }
        }
        return sent
    }

    /// Puts one offer on the link; a spray hands its copies on at once (they come back if the offer
    /// is refused or lost). False if the stored envelope does not decode (that copy is dropped).
    private func offer(_ message: HeldMessage, _ offer: Offer, on session: LinkSession, now: CoreTime, actions: inout [CoreAction]) -> Bool {
        let bytes: [UInt8]
        do { bytes = try Router.envelopeBytes(message, offer: offer) } catch {
            actions.append(.log(.warning, "held message \(message.id.text) does not decode (\(error)); dropping it"))
            if message.kind != .own { _ = try? store.release(message.key) }
            forgetHeld(message.key)
            return false
        }
        var given: UInt16 = 0
        if case .spray(let give, let keep) = offer {
            do { try store.setCopies(message.key, copies: keep) } catch {
                actions.append(.storeFailed("handing on copies of \(message.id.text): \(error)"))
                return false
            }
            given = give
        }
        session.send(.envelope(bytes))
        markInflight(message.key, on: session, bytes: bytes.count, given: given, kind: message.kind)
        if offer == .handoff, let coordinator = session.peer { noteHandoff(message, to: coordinator, now: now) }
        if message.kind == .own { lastOffered[message.key] = now.wall }
        return true
    }

    /// Room for one more envelope on the link: its socket queue under the high-water mark (counting
    /// frames not yet encrypted) and its unanswered bytes under the window.
    func hasRoom(_ session: LinkSession) -> Bool {
        session.queuedBytes + session.pendingPlaintextBytes < limits.sendQueueHighWaterBytes
            && session.inflightBytes < limits.inflightPerLinkBytesMax
    }

    /// Refill queries per refill at most, and rows each reads.
    static let refillPassesMax = 8
    static let refillBatchMax = 64
}
