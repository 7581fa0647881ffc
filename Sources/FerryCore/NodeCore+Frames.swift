import FerryCrypto
import FerryStore
import FerryWire

extension NodeCore {
    /// Dispatches one frame from an established (or hello-awaiting) link. Throws only
    /// `LinkSession.Failure`, which closes the link; store errors are answered and reported here.
    /// Frame types this build does not know are skipped (docs/PROTOCOL.md §Link frames).
    func handle(_ frame: Frame, on session: LinkSession, now: CoreTime, actions: inout [CoreAction]) throws {
        if case .hello(let hello) = frame {
            return try establish(session, hello: hello, now: now, actions: &actions)
        }
        guard case .established(let peer) = session.state else {
            throw LinkSession.Failure(reason: .protocolError, message: "\(frame.kind.map { "\($0)" } ?? "frame") before hello")
        }
        switch frame {
        case .hello, .unknown:
            break  // hello handled above; unknown types are skipped
        case .envelope(let bytes):
            try receiveEnvelope(bytes, from: peer, on: session, now: now, actions: &actions)
        case .proof(let proof):
            receiveProof(proof, on: session, now: now, actions: &actions)
            refill(session, now: now, actions: &actions)  // the answer made room in the window
        case .hopAck(let id, let ackHash):
            receiveHopAck(CustodyKey(id: id, ackHash: ackHash), on: session)
            refill(session, now: now, actions: &actions)
        case .refuse(let id, let reason):
            receiveRefusal(of: id, reason: reason, from: peer, on: session, actions: &actions)
            refill(session, now: now, actions: &actions)
        case .sync(let set, let message):
            try receiveSync(set, message, on: session, now: now, actions: &actions)
        case .want(let set, let ids):
            receiveWant(set, ids, on: session, now: now, actions: &actions)
        case .endpoints(let entries):
            receiveEndpoints(entries, on: session, now: now)
        case .announce(let hopsLeft, let record):
            receiveAnnounce(record, hopsLeft: hopsLeft, on: session, now: now, actions: &actions)
        case .ping(let nonce):
            if session.pingAnswers.take(now: now.monotonic) {
                session.send(.pong(nonce: nonce))
            } else {
                counters.pingsIgnored += 1
            }
        case .pong:
            break  // lastHeard was updated on receipt
        case .close(let reason, let text):
            let shown = SafeText.escaped(text, maxScalars: WireLimits.closeReasonBytesMax)
            actions.append(.log(.info, "\(displayName(peer)) closed the link (\(reason)): \(shown)"))
            sessions[session.id] = nil
            actions.append(.close(session.id))
            endSession(session, now: now, actions: &actions)
        }
    }

    /// The peer's hello: check it, apply the link bounds, remember its record, start sending and
    /// reconciling.
    private func establish(_ session: LinkSession, hello: Hello, now: CoreTime, actions: inout [CoreAction]) throws {
        let peerIdentity = try session.acceptHello(hello, now: now)
        let peer = peerIdentity.address
        do { try admit(session, peer: peer, now: now, actions: &actions) } catch {
            counters.linksRefused += 1
            throw error
        }
        // A record new to us spreads as its owner's announce would: that announce, arriving next on
        // this link, finds the record known and stops here.
        let record = peerIdentity.record.encoded()
        do {
            if try store.putIdentity(record, for: peer) {
                announcesSeen.insert(AnnouncedRecord(address: peer, created: peerIdentity.record.created))
                spreadAnnounce(record, hopsLeft: limits.announceHopLimit, of: peer, from: session, now: now, actions: &actions)
            }
        } catch {
            actions.append(.storeFailed("keeping the identity record of \(peer.text): \(error)"))
        }
        actions.append(.linkEstablished(session.id, peer))
        actions.append(.log(.info, "link up with \(displayName(peer)) at \(session.endpoint)"))
        connections.linkEstablished(session.id, peer: peer)
        noteRecord(peer, from: .hello, now: now)
        refill(session, now: now, actions: &actions)
        startSync(on: session, now: now, actions: &actions)
        introduce(on: session, now: now)
        if session.peerIsCoordinator && !isCoordinator { coordinatorLinked(session, now: now, actions: &actions) }
    }

    /// The next hop stored the message durably: the copies handed on are its now.
    private func receiveHopAck(_ key: CustodyKey, on session: LinkSession) {
        session.peerHolds.insert(key)
        if let entry = clearInflight(key, on: session.id), entry.given > 0 { counters.forwarded += 1 }
    }

    /// The peer would not take a message. Its copies come back; one it already holds is never
    /// offered to it again on this link. (A refusal names only the id, so every offer of that id on
    /// this link is answered.)
    private func receiveRefusal(of id: MessageID, reason: RefuseReason, from peer: Address, on session: LinkSession, actions: inout [CoreAction]) {
        for key in session.inflightKeys[id] ?? [] {
            guard let offer = clearInflight(key, on: session.id) else { continue }
            if reason == .held { session.peerHolds.insert(key) }
            if reason == .invalid, offer.kind != .own {
                dropJunk(key, refusedBy: peer, actions: &actions)
                continue
            }
            do { try giveBack(offer, of: key) } catch {
                actions.append(.storeFailed("returning copies of \(id.text): \(error)"))
            }
        }
        let level: LogLevel = reason == .held ? .debug : .notice
        actions.append(.log(level, "\(displayName(peer)) refused message \(id.text): \(reason)"))
    }

    /// The destination itself says a copy we carry does not open: it is junk, whoever made it, and
    /// keeping it would only cost the destination a decapsulation on every link. Drop it; and after
    /// a few such copies from one origin, drop everything that origin gave us and take nothing more
    /// from it for a while — so junk in a mailbox cannot lock its owner out.
    func dropJunk(_ key: CustodyKey, refusedBy peer: Address, actions: inout [CoreAction]) {
        let sums = relayUsage.contains(key) ? relayUsage : mailboxUsage
        guard sums.destination(of: key) == peer else { return }
        let origin = sums.origin(of: key)
        var dropped = [key]
        if let origin {
            junkStrikes[origin, default: 0] += 1
            if junkStrikes[origin, default: 0] >= limits.junkStrikesMax {
                junkOrigins.insert(origin)
                dropped += relayUsage.keys(fromOrigin: origin) + mailboxUsage.keys(fromOrigin: origin)
                actions.append(.log(.warning, "dropping every copy from \(displayName(origin)): \(limits.junkStrikesMax) of them did not open at their destination"))
            }
        }
        for junk in Set(dropped) {
            do { _ = try store.release(junk) } catch {
                return actions.append(.storeFailed("dropping junk \(junk): \(error)"))
            }
            forgetHeld(junk)
            clearInflightEverywhere(junk)
        }
    }
}
