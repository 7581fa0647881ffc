import FerryControl
import FerryStore
import FerryWire

/// `ferry inbox`: listings streamed with back-pressure. A listing writes while the client has
/// under `ControlServer.listingHighWaterBytes` unread, pauses, and resumes when the client has read
/// it all, so a long inbox (or a slow reader) costs bounded memory and is never cut off.
extension Node {
    /// Store rows read per step of a listing.
    static let listingBatchMax = 64
    /// Steps per resume at most; the next drain or delivery resumes again.
    static let listingStepsMax = 16

    func startListing(_ request: ControlRequest, for session: ControlSession) {
        let limit = min(max(request.limit ?? Self.inboxPageMax, 1), Self.inboxPageMax)
        session.listing = InboxListing(afterSeq: request.after ?? 0, follow: request.follow == true, remaining: limit)
        // After the flush that writes any earlier replies of this session, so order is kept.
        afterCommitListings.append(session)
        scheduleFlush()
    }

    /// New messages are committed: followers that are caught up get them.
    func resumeFollowers() {
        for session in control.sessions.values where session.listing?.follow == true { resumeListing(session) }
    }

    /// Writes the next part of a session's listing.
    func resumeListing(_ session: ControlSession) {
        guard var listing = session.listing else { return }
        defer { session.listing = listing.isDone ? nil : listing }
        for _ in 0..<Self.listingStepsMax where control.hasRoom(session) && !listing.isDone {
            let want = listing.follow ? Self.listingBatchMax : min(Self.listingBatchMax, listing.remaining)
            let batch: [InboundMessage]
            do { batch = try store.inbox(afterSeq: listing.afterSeq, limit: want) } catch {
                control.send(.failure("cannot read the inbox: \(error)"), to: session)
                listing.remaining = 0
                listing.follow = false
                return
            }
            let contacts = try? contactCache.current()
            for message in batch {
                // Checked per line, not per batch: 64 lines of 64 KiB bodies alone are over the
                // client's queue bound. The next drain goes on from `afterSeq`.
                guard control.hasRoom(session) else { return }
                control.send(inboxReply(message, contacts: contacts), to: session)
                listing.afterSeq = message.seq
                listing.remaining -= 1
            }
            guard batch.count == want, listing.follow || listing.remaining > 0 else {
                // Caught up: a listing ends here, a follower waits for the next delivery.
                if !listing.follow {
                    var end = ControlReply(ok: true)
                    end.end = true
                    control.send(end, to: session)
                    listing.remaining = 0
                }
                return
            }
        }
    }

    private func inboxReply(_ message: InboundMessage, contacts: ContactBook?) -> ControlReply {
        var answer = ControlReply(ok: true)
        answer.message = InboxItem(
            seq: message.seq, id: message.id.text, from: message.from.text, fromName: contacts?.name(for: message.from),
            text: String(decoding: message.body, as: UTF8.self), sentAtMs: message.sentAt.milliseconds,
            receivedAtMs: message.receivedAt.milliseconds, path: message.path.rawValue, hops: Int(message.hops))
        return answer
    }
}

extension InboxListing {
    /// A plain listing is done once its end line is out; a follower never is.
    var isDone: Bool { !follow && remaining <= 0 }
}
