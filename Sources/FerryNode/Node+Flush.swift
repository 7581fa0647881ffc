import FerryControl
import FerryCore
import FerryCrypto
import FerryLoop
import FerryStore
import FerryWire

extension Node {
    /// Queues the core's actions; the network and the clients see them after the next commit.
    func perform(_ actions: [CoreAction]) {
        for action in actions {
            switch action {
            case .send(let link, let bytes): outgoing.append((link, bytes))
            case .close(let link): closing.append(link)
            case .linkEstablished(let link, let peer): logger.debug("\(link) is \(peer)")
            case .linkRejected: break  // the core's connection manager acts on it
            case .dial(let request): dial(request)
            case .beacon(let bytes): sendBeacon(bytes)
            case .delivered, .proofAccepted: afterCommit.append(action)
            case .storeFailed(let detail): storeFailed(detail)
            case .log(let level, let text): log(level, text)
            }
        }
        scheduleFlush()
    }

    func scheduleFlush() {
        guard !flushScheduled, !stopping else { return }
        flushScheduled = true
        flushTimer.start(afterMilliseconds: 0) { [weak self] in self?.flush() }
    }

    /// A store operation failed: this iteration's writes will be rolled back, not committed.
    func storeFailed(_ detail: String) {
        if storeFailure == nil { storeFailure = detail }
        logLimiter.log(.warning, "store: \(detail)", nowMilliseconds: loop.nowMilliseconds)
    }

    /// Commits the store, then performs the queued network writes, closes and replies; after a
    /// store failure rolls back instead and tells everyone waiting.
    func flush() {
        flushScheduled = false
        if let failure = storeFailure ?? commitFailure() {
            storeFailure = nil
            rollBack(because: failure)
        }
        writeOutgoing()
        for link in closing where !faultDefersClose(link) {
            streams[link]?.shutdownThenClose(deadlineMilliseconds: Self.linkCloseDeadlineMilliseconds)
        }
        closing = []
        for (session, reply) in replies { control.send(reply, to: session) }
        replies = []
        let effects = afterCommit
        afterCommit = []
        for effect in effects { show(effect) }
        let listings = afterCommitListings
        afterCommitListings = []
        for session in listings { resumeListing(session) }
        armTick()
    }

    private func commitFailure() -> String? {
        do {
            try store.commit()
            return nil
        } catch {
            return "commit: \(error)"
        }
    }

    /// Nothing of this group may be acknowledged: drop its frames and effects, close every link hard
    /// (peers keep custody and offer again; the core forgets what was in flight), fail the replies.
    private func rollBack(because failure: String) {
        do {
            try store.rollback()
            try core.storeRolledBack(now: now())
        } catch {
            logger.error("store rollback failed too: \(error)")
        }
        logger.error("could not save to disk (\(failure)); rolled back, closing links, nothing was acknowledged")
        outgoing = []
        closing = []
        afterCommit = []
        for stream in streams.values { stream.close() }
        let text = Self.storeFailureText(failure)
        replies = replies.map { ($0.0, ControlReply.failure(text)) }
    }

    /// One line for a client whose request was rolled back.
    static func storeFailureText(_ failure: String) -> String {
        // StoreError.diskFull says "the disk holding … is full"; SQLite's own text "database or disk is full".
        if failure.contains(" is full") || failure.contains("SQLITE_FULL") {
            return "the node's disk is full, so nothing was saved and nothing already stored was lost; free some space and try again"
        }
        return "the node could not save to disk (\(failure)); nothing already stored was lost; check the disk and try again"
    }

    /// Writes queued frames. A write failure can close a link, whose messages the core then re-offers
    /// on another link, appending frames while we iterate: so take the queue, write it, repeat.
    private func writeOutgoing() {
        for _ in 0..<Self.writePassesMax where !outgoing.isEmpty {
            let batch = outgoing
            outgoing = []
            for (link, bytes) in batch { write(bytes, on: link) }
        }
    }

    private func write(_ bytes: [UInt8], on link: LinkID) {
        if delayedWrite(bytes, on: link) { return }
        writeToSocket(bytes, on: link)
    }

    /// Hands bytes to the link's socket; the core hears of them once written.
    func writeToSocket(_ bytes: [UInt8], on link: LinkID) {
        guard let stream = streams[link] else { return }
        let count = bytes.count
        let accepted = stream.write(bytes) { [weak self] error in
            guard let self, error == nil else { return }
            self.perform(self.core.linkWritten(link, byteCount: count, now: self.now()))
        }
        if !accepted && !stream.isClosed {
            log(.warning, "peer on \(link) (\(stream.peerEndpoint ?? "?")) is not reading; closing the link")
            stream.close()
        }
    }

    /// Passes over the write queue per flush at most; each pass can only be caused by link closes.
    static let writePassesMax = 8

    /// A committed effect reaches the clients that wait for it.
    private func show(_ effect: CoreAction) {
        switch effect {
        case .delivered: resumeFollowers()
        case .proofAccepted(let id, let path, let hops): answerWaiters(for: id, path: path, hops: hops)
        case .send, .close, .linkEstablished, .linkRejected, .storeFailed, .log, .dial, .beacon: break
        }
    }

    func reply(_ reply: ControlReply, to session: ControlSession) {
        replies.append((session, reply))
        scheduleFlush()
    }
}
