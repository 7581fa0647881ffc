import FerryControl
import FerryCore
import FerryCrypto
import FerryStore
import FerryWire
import Foundation

extension Node {
    /// Largest inbox listing sent for one request without `limit`; `--follow` then streams the rest.
    static let inboxPageMax = 10_000

    func handleControl(_ decoded: Result<ControlRequest, BadControlRequest>, from session: ControlSession) {
        guard !stopping else { return reply(.failure("the node is stopping"), to: session) }
        let request: ControlRequest
        switch decoded {
        case .success(let decoded): request = decoded
        case .failure(let bad): return reply(.failure(bad.text), to: session)
        }
        do {
            switch request.op {
            case "status": try replyStatus(to: session)
            case "peers": replyPeers(to: session)
            case "send": try handleSend(request, from: session)
            case "wait": try handleWait(request, from: session)
            case "inbox": startListing(request, for: session)
            case "outbox": try replyOutbox(request, to: session)
            case "directory": try replyDirectory(to: session)
            case "fault": handleFault(request, from: session)
            default: reply(.failure("unknown request '\(SafeText.escaped(request.op, maxScalars: 40))'; this node knows status, peers, send, wait, inbox, outbox, directory, fault"), to: session)
            }
        } catch let error as NodeError {
            reply(.failure(error.description), to: session)
        } catch let error as CryptoError {
            reply(.failure("cannot seal to that recipient: \(error)"), to: session)
        } catch {
            // A store error: the group it belongs to is rolled back at the flush, and the reply
            // (queued below) becomes the disk failure's one line.
            storeFailed("control request \(request.op): \(error)")
            reply(.failure(Self.storeFailureText("\(error)")), to: session)
        }
    }

    private func replyStatus(to session: ControlSession) throws {
        let counts = try store.counts()
        var answer = ControlReply(ok: true)
        var status = NodeStatus(
            address: address.text, listen: listenEndpoint?.description ?? "", dataDir: config.dataDir.path,
            pid: getpid(), startedAtMs: startedAt.milliseconds, links: core.connectedPeers.count,
            outboxPending: counts.outboxPending, outboxDelivered: counts.outboxDelivered, inbox: counts.inbox,
            relay: counts.relay)
        let counters = core.counters
        status.relayBytes = counts.relayBytes
        status.relayQuotaBytes = core.limits.relayBytesMax
        status.forwarded = counters.forwarded
        status.proofsSeen = counters.proofsSeen
        status.evicted = counters.evicted
        status.refusals = RefusalCounts(
            handshakesEvicted: counters.handshakesEvicted, linksRefused: counters.linksRefused,
            pingsIgnored: counters.pingsIgnored, invalidEnvelopes: counters.invalidEnvelopes,
            framesTimedOut: counters.framesTimedOut, logLinesSuppressed: logLimiter.suppressedTotal,
            syncsAbandoned: counters.syncsAbandoned, linksNotReading: counters.linksNotReading)
        let found = core.discoveryCounters
        status.discovery = DiscoveryStatus(
            enabled: core.discoveryEnabled, beacons: core.beaconsEnabled, beaconsSent: found.beaconsSent,
            beaconsHeard: found.beaconsHeard,
            // Datagrams too long to be a beacon never reach the core: the socket drops and counts them.
            beaconsRejected: found.beaconsRejected + beaconDatagramsDropped, exchangesHeard: found.exchangesHeard,
            exchangeRejected: found.exchangeRejected, announcesLearnt: found.announcesLearnt,
            announcesRejected: found.announcesRejected, knownEndpoints: core.knownEndpointCount)
        status.role = config.role.rawValue
        status.coordinators = core.coordinatorSummaries.map { summary in
            CoordinatorInfo(
                endpoint: Endpoint(host: summary.host, port: summary.port).description, address: summary.address?.text ?? "",
                                // Up: since the link came up. Down: since it dropped, or since this node started
                // if it has not been up since.
                state: summary.up ? "up" : "down",
                sinceMs: summary.up ? summary.since?.wall.milliseconds : (summary.downSince ?? startedAt).milliseconds,
                handed: summary.handed,
                lastError: summary.up ? nil : summary.lastError)
        }
        if config.role == .coordinator {
            let mailboxes = core.mailboxSummary
            status.mailboxes = MailboxStatus(
                messages: mailboxes.count, bytes: mailboxes.bytes, quotaBytes: core.limits.mailboxBytesMax,
                quotaBytesPerAddress: core.limits.mailboxBytesPerAddressMax,
                addresses: mailboxes.largest.map { MailboxInfo(address: $0.address.text, messages: $0.count, bytes: $0.bytes) })
        }
        faultStatus(into: &status)
        answer.status = status
        reply(answer, to: session)
    }

    /// Links, then configured seeds that are not linked, with what they are doing and why.
    private func replyPeers(to session: ControlSession) {
        let contacts = try? contactCache.current()
        var answer = ControlReply(ok: true)
        var peers = core.linkSummaries.map { link in
            var info = PeerInfo(
                address: link.peer?.text ?? "", name: link.peer.flatMap { contacts?.name(for: $0) },
                endpoint: link.endpoint, direction: link.outbound ? "out" : "in", established: link.established,
                sinceMs: link.since.milliseconds, inflight: link.inflight)
            info.state = link.established ? "up" : "handshake"
            info.inflightBytes = link.inflightBytes
            info.queuedBytes = link.queuedBytes
            info.seed = link.foundBy == .seed
            info.foundBy = link.foundBy.rawValue
            return info
        }
        for seed in core.seedSummaries { peers.append(seedInfo(seed, contacts: contacts)) }
        answer.peers = peers
        reply(answer, to: session)
    }

    private func seedInfo(_ seed: SeedSummary, contacts: ContactBook?) -> PeerInfo {
        let endpoint = Endpoint(host: seed.host, port: seed.port)
        var info = PeerInfo(
            address: seed.peer?.text ?? "", name: seed.peer.flatMap { contacts?.name(for: $0) },
            endpoint: endpoint.description, direction: "out", established: false, sinceMs: 0, inflight: 0)
        info.seed = true
        info.foundBy = FoundBy.seed.rawValue
        info.lastError = seed.lastError
        info.state = seed.state
        if let retryAt = seed.retryAt {
            info.retryInMs = retryAt.milliseconds > loop.nowMilliseconds ? retryAt.milliseconds - loop.nowMilliseconds : 0
        }
        return info
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
        let (id, actions) = try core.submit(body: body, to: recipient, now: now())
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

    /// Replies when the delivery proof for `id` is in (at once if it already is), with the path and
    /// hops the destination reported.
    private func handleWait(_ request: ControlRequest, from session: ControlSession) throws {
        guard let text = request.id, let id = MessageID(text: text) else {
            return reply(.failure("wait needs the 32-character message id that send printed"), to: session)
        }
        guard let message = try store.held(id: id).first(where: { $0.kind == .own }) else {
            return reply(.failure("no message \(text) was sent from this node (or it was delivered over a day ago)"), to: session)
        }
        if message.deliveredAt != nil {
            return reply(deliveredReply(id, path: message.deliveredPath ?? .direct, hops: message.deliveredHops ?? 1), to: session)
        }
        // Clients that gave up (timed out, Ctrl-C) are forgotten in sweeps, so waiters stay within
        // twice the clients still waiting (and at least `waitersSweepMin`).
        if waiters.count >= waitersSweepAt {
            waiters = waiters.compactMapValues { sessions in
                let open = sessions.filter { !$0.stream.isClosed }
                return open.isEmpty ? nil : open
            }
            waitersSweepAt = max(Self.waitersSweepMin, waiters.count * 2)
        }
        waiters[id, default: []].append(session)
    }

    func answerWaiters(for id: MessageID, path: DeliveryPath, hops: UInt8) {
        for session in waiters.removeValue(forKey: id) ?? [] { reply(deliveredReply(id, path: path, hops: hops), to: session) }
    }

    private func deliveredReply(_ id: MessageID, path: DeliveryPath, hops: UInt8) -> ControlReply {
        var answer = ControlReply(ok: true)
        answer.id = id.text
        answer.delivered = true
        answer.path = path.rawValue
        answer.hops = Int(hops)
        return answer
    }

    /// Own messages not yet delivered: `ferry outbox`.
    private func replyOutbox(_ request: ControlRequest, to session: ControlSession) throws {
        let contacts = try? contactCache.current()
        let limit = min(max(request.limit ?? Self.outboxListMax, 1), Self.outboxListMax)
        var answer = ControlReply(ok: true)
        answer.outbox = try core.outbox(limit: limit).map { entry in
            OutboxItem(
                id: entry.id.text, to: entry.destination.text, toName: contacts?.name(for: entry.destination),
                createdAtMs: entry.createdAt.milliseconds, copiesOut: entry.copiesOut,
                lastOfferedMs: entry.lastOffered?.milliseconds, inflightLinks: entry.inflightLinks)
        }
        answer.outboxTotal = try store.counts().outboxPending
        reply(answer, to: session)
    }

    /// Identity records known: `ferry directory`.
    private func replyDirectory(to session: ControlSession) throws {
        let contacts = try? contactCache.current()
        var answer = ControlReply(ok: true)
        answer.directory = try core.directory(limit: Self.outboxListMax).map { entry in
            let expires = (try? IdentityRecord.decode(entry.record))?.expires.milliseconds ?? 0
            return DirectoryItem(
                address: entry.address.text, name: contacts?.name(for: entry.address), how: entry.source.rawValue,
                learntAtMs: entry.updated.milliseconds, expiresAtMs: expires)
        }
        reply(answer, to: session)
    }

    /// Most own messages one `outbox` answer lists: the answer is one line, and a client reads lines
    /// of at most 512 KiB (an entry is about 250 bytes of JSON).
    static let outboxListMax = 1000
}
