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
            for peer in connectedPeers.sorted() {
                logErrors("re-offering to \(peer.short)", into: &actions) { try flushOutbound(to: peer, now: now, actions: &$0) }
            }
        }
        if now >= (nextHousekeeping ?? now) {
            nextHousekeeping = now.adding(milliseconds: limits.housekeepingIntervalMilliseconds)
            logErrors("expiring old messages", into: &actions) { actions in
                let expired = try store.expireOutbound(before: now)
                _ = try store.purgeSeen(before: now)
                if expired > 0 { actions.append(.log(.notice, "\(expired) undelivered messages expired")) }
            }
        }
        return actions
    }

    /// Timer work that fails (a store error) is logged and tried again on a later tick.
    private func logErrors(_ what: String, into actions: inout [CoreAction], _ work: (inout [CoreAction]) throws -> Void) {
        do { try work(&actions) } catch { actions.append(.log(.warning, "\(what) failed: \(error)")) }
    }

    /// How often the driver should call `tick`.
    public static let tickIntervalMilliseconds: UInt64 = 500
}
