import FerryStore
import FerryWire

extension NodeCore {
    /// Time passes: handshake timeouts, keepalive pings, idle links, periodic retries and expiry.
    /// The driver calls it on a timer (every `tickIntervalMilliseconds`).
    public func tick(now: Timestamp) -> [CoreAction] {
        var actions: [CoreAction] = []
        for link in sessions.keys.sorted(by: { $0.value < $1.value }) {
            guard var session = sessions[link] else { continue }
            let quiet = now.since(session.lastHeard)
            if !session.isEstablished, now.since(session.openedAt) > limits.handshakeTimeoutMilliseconds {
                fail(link, .init(reason: .protocolError, message: "handshake timed out"), actions: &actions)
            } else if quiet > limits.idleTimeoutMilliseconds {
                fail(link, .init(reason: .idle, message: "nothing heard for \(quiet) ms"), actions: &actions)
            } else if session.isEstablished, quiet > limits.keepaliveIntervalMilliseconds, !session.pingOutstanding {
                pingCounter += 1
                do { try session.send(.ping(nonce: pingCounter)) } catch {
                    fail(link, error, actions: &actions)
                    continue
                }
                session.pingOutstanding = true
                sessions[link] = session
                emitOutput(session, into: &actions)
            }
        }
        if now >= (nextRetry ?? now) {
            nextRetry = now.adding(milliseconds: limits.retryIntervalMilliseconds)
            // Offer again what was refused or lost without a link drop: rewind every cursor.
            for link in Array(sessions.keys) { sessions[link]?.offeredThroughSeq = 0 }
            for peer in connectedPeers.sorted() { retry { try flushOutbound(to: peer, now: now, actions: &actions) } }
        }
        if now >= (nextHousekeeping ?? now) {
            nextHousekeeping = now.adding(milliseconds: limits.housekeepingIntervalMilliseconds)
            retry {
                let expired = try store.expireOutbound(before: now)
                _ = try store.purgeSeen(before: now)
                if expired > 0 { actions.append(.log(.notice, "\(expired) undelivered messages expired")) }
            }
        }
        return actions
    }

    /// Store errors during timer work are logged by the driver on the next event; timers go on.
    private func retry(_ work: () throws -> Void) {
        try? work()
    }

    /// How often the driver should call `tick`.
    public static let tickIntervalMilliseconds: UInt64 = 500
}
