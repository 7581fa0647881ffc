import FerryControl
import FerryCore
import FerryCrypto
import FerryStore
import FerryWire
import Foundation

extension Node {
    /// Largest inbox page sent in one go; `--follow` then streams the rest.
    static let inboxPageMax = 10_000

    func handleControl(_ request: ControlRequest?, from session: ControlSession) {
        guard !stopping else { return reply(.failure("the node is stopping"), to: session) }
        guard let request else { return reply(.failure("not a JSON request; see docs/CONTROL.md"), to: session) }
        do {
            switch request.op {
            case "status": try replyStatus(to: session)
            case "peers": replyPeers(to: session)
            case "send": try handleSend(request, from: session)
            case "wait": try handleWait(request, from: session)
            case "inbox": try handleInbox(request, from: session)
            default: reply(.failure("unknown request '\(request.op)'; this node knows status, peers, send, wait, inbox"), to: session)
            }
        } catch let error as NodeError {
            reply(.failure(error.description), to: session)
        } catch {
            logger.error("control request \(request.op) failed: \(error)")
            reply(.failure("the node could not do that: \(error)"), to: session)
        }
    }

    private func replyStatus(to session: ControlSession) throws {
        let counts = try store.counts()
        var answer = ControlReply(ok: true)
        answer.status = NodeStatus(
            address: address.text, listen: listenEndpoint?.description ?? "", dataDir: config.dataDir.path,
            pid: getpid(), startedAtMs: startedAt.milliseconds, links: core.connectedPeers.count,
            outboxPending: counts.outboxPending, outboxDelivered: counts.outboxDelivered, inbox: counts.inbox,
            relay: counts.relay)
        reply(answer, to: session)
    }

    private func replyPeers(to session: ControlSession) {
        let contacts = try? contactCache.current()
        var answer = ControlReply(ok: true)
        answer.peers = core.linkSummaries.map { link in
            PeerInfo(
                address: link.peer?.text ?? "", name: link.peer.flatMap { contacts?.name(for: $0) },
                endpoint: link.endpoint, direction: link.outbound ? "out" : "in", established: link.established,
                sinceMs: link.since.milliseconds, inflight: link.inflight)
        }
        reply(answer, to: session)
    }

    /// Seals and stores a message; the reply (with its id) leaves only after the store commits.
    private func handleSend(_ request: ControlRequest, from session: ControlSession) throws {
        guard let to = request.to, let text = request.text else {
            return reply(.failure("send needs 'to' and 'text'"), to: session)
        }
        let body = Array(text.utf8)
        guard body.count <= WireLimits.messageBodyBytesMax else {
            throw NodeError.messageTooLong(bytes: body.count, max: WireLimits.messageBodyBytesMax)
        }
        guard Address(text: to.lowercased()) != address else {
            return reply(.failure("'\(to)' is this node itself; send to another node's contact or address"), to: session)
        }
        let recipient = try resolveRecipient(to)
        let (id, actions) = try core.submit(body: body, to: recipient, now: WallClock.now())
        perform(actions)
        var answer = ControlReply(ok: true)
        answer.id = id.text
        reply(answer, to: session)
    }

    /// A contact name, a unique prefix of a contact's address, or a full address of a contact or
    /// of a peer we have met (`RecipientResolver`); never this node, never an expired record.
    func resolveRecipient(_ nameOrAddress: String) throws -> VerifiedIdentity {
        try RecipientResolver.resolve(
            nameOrAddress, contacts: try contactCache.current(), own: address, now: WallClock.now(),
            storedRecord: { try store.identity(for: $0) })
    }

    /// Replies when the recipient's receipt for `id` is in (at once if it already is).
    private func handleWait(_ request: ControlRequest, from session: ControlSession) throws {
        guard let text = request.id, let id = MessageID(text: text) else {
            return reply(.failure("wait needs the 32-character message id that send printed"), to: session)
        }
        guard let message = try store.outbound(id: id) else {
            return reply(.failure("no message \(text) was sent from this node"), to: session)
        }
        if let openedAt = message.openedAt {
            return reply(deliveredReply(id, openedAt: openedAt), to: session)
        }
        // Clients that gave up (timed out, Ctrl-C) are forgotten here, so waiters stay bounded.
        waiters = waiters.compactMapValues { sessions in
            let open = sessions.filter { !$0.stream.isClosed }
            return open.isEmpty ? nil : open
        }
        waiters[id, default: []].append(session)
    }

    func answerWaiters(for id: MessageID, openedAt: Timestamp) {
        for session in waiters.removeValue(forKey: id) ?? [] { reply(deliveredReply(id, openedAt: openedAt), to: session) }
    }

    private func deliveredReply(_ id: MessageID, openedAt: Timestamp) -> ControlReply {
        var answer = ControlReply(ok: true)
        answer.id = id.text
        answer.delivered = true
        answer.openedAtMs = openedAt.milliseconds
        return answer
    }

    /// Lists the inbox after `after`; with `follow`, keeps streaming new messages on this connection.
    private func handleInbox(_ request: ControlRequest, from session: ControlSession) throws {
        let contacts = try? contactCache.current()
        let limit = min(max(request.limit ?? Self.inboxPageMax, 1), Self.inboxPageMax)
        var last = request.after ?? 0
        for message in try store.inbox(afterSeq: last, limit: limit) {
            reply(inboxReply(message, contacts: contacts), to: session)
            last = message.seq
        }
        if request.follow == true {
            session.followingAfter = last
        } else {
            var end = ControlReply(ok: true)
            end.end = true
            reply(end, to: session)
        }
    }

    func notifyFollowers(of message: InboundMessage) {
        let contacts = try? contactCache.current()
        for session in control.followers where (session.followingAfter ?? .max) < message.seq {
            session.followingAfter = message.seq
            reply(inboxReply(message, contacts: contacts), to: session)
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
