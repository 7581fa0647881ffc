import FerryStore
import FerryWire

extension NodeCore {
    /// Time passes: handshake timeouts, frames that take too long, keepalive pings, idle links,
    /// periodic retries and expiry. The driver calls it on a timer (every `tickIntervalMilliseconds`).
    public func tick(now: CoreTime) -> [CoreAction] {
        var actions: [CoreAction] = []
        for session in sessions.values.sorted(by: { $0.id.value < $1.id.value }) {
            checkTimers(session, now: now, actions: &actions)
        }
        if now.monotonic >= (nextRetry ?? now.monotonic) {
            nextRetry = now.monotonic.adding(milliseconds: limits.retryIntervalMilliseconds)
            // Offer again what was refused or lost without a link drop: rewind every cursor.
            for session in establishedSessions {
                session.offeredThroughSeq = 0
                session.outboxExhausted = false
                refill(session, now: now, actions: &actions)
            }
        }
        for session in establishedSessions { abandonStalledSyncs(session, now: now) }
        for session in establishedSessions where session.syncs.isEmpty {
            if let last = session.lastSync, now.monotonic.since(last) >= limits.syncIntervalMilliseconds {
                startSync(on: session, now: now, actions: &actions)
                emitOutput(session, now: now, into: &actions)
            }
        }
        if now.monotonic >= (nextHousekeeping ?? now.monotonic) {
            nextHousekeeping = now.monotonic.adding(milliseconds: limits.housekeepingIntervalMilliseconds)
            housekeeping(now: now, actions: &actions)
            trimIdentities(actions: &actions)
            connections.dropStale(now: now.monotonic, staleMilliseconds: limits.endpointStaleMilliseconds)
        }
        discoveryTimers(now: now, actions: &actions)
        handoffTimers(now: now, actions: &actions)
        actions += dueDials(now: now)
        actions += beaconIfDue(now: now)
        return actions
    }

    /// When `tick` has something to do next: the earliest link timer, retry, housekeeping, sync,
    /// peer exchange, dial or beacon. The driver arms its timer for it (never later than
    /// `tickIntervalMillisecondsMax` from now, a safety net against a forgotten deadline).
    public func nextDeadline(now: CoreTime) -> MonotonicTime {
        var deadline = now.monotonic.adding(milliseconds: Self.tickIntervalMillisecondsMax)
        func consider(_ time: MonotonicTime?) { if let time, time < deadline { deadline = time } }
        for session in sessions.values {
            if !session.isEstablished {
                consider(session.openedAt.monotonic.adding(milliseconds: limits.handshakeTimeoutMilliseconds + 1))
                continue
            }
            consider(session.partialFrameSince?.adding(milliseconds: limits.frameCompletionMilliseconds + 1))
            let quietLimit = session.pingOutstanding ? idleTimeout(session) : keepaliveInterval(session)
            consider(session.lastHeard.adding(milliseconds: quietLimit + 1))
            // A sync still running is not restarted: its deadline is when it counts as stalled.
            if session.syncs.isEmpty { consider(session.lastSync?.adding(milliseconds: limits.syncIntervalMilliseconds)) }
            for sync in session.syncs.values { consider(sync.lastProgress.adding(milliseconds: limits.syncStallMilliseconds + 1)) }
            consider(session.lastExchange?.adding(milliseconds: limits.exchangeIntervalMilliseconds))
        }
        consider(nextRetry ?? now.monotonic)
        consider(nextHousekeeping ?? now.monotonic)
        consider(nextDialDue(now: now))
        consider(nextRelease)
        if beaconsOn { consider(nextBeacon ?? now.monotonic) }
        return max(deadline, now.monotonic)
    }

    private func checkTimers(_ session: LinkSession, now: CoreTime, actions: inout [CoreAction]) {
        let clock = now.monotonic
        let quiet = clock.since(session.lastHeard)
        if !session.isEstablished, clock.since(session.openedAt.monotonic) > limits.handshakeTimeoutMilliseconds {
            fail(session.id, LinkSession.Failure(reason: .protocolError, message: "handshake timed out"), now: now, actions: &actions)
        } else if let started = session.partialFrameSince, clock.since(started) > limits.frameCompletionMilliseconds {
            counters.framesTimedOut += 1
            let message = "a frame took over \(limits.frameCompletionMilliseconds) ms (\(session.partialFrameBytes) bytes so far)"
            fail(session.id, LinkSession.Failure(reason: .protocolError, message: message), now: now, actions: &actions)
        } else if quiet > idleTimeout(session) {
            fail(session.id, LinkSession.Failure(reason: .idle, message: "no frame heard for \(quiet) ms"), now: now, actions: &actions)
        } else if session.isEstablished, quiet > keepaliveInterval(session), !session.pingOutstanding {
            pingCounter += 1
            session.send(.ping(nonce: pingCounter))
            session.pingOutstanding = true
            emitOutput(session, now: now, into: &actions)
        }
    }

    private func housekeeping(now: CoreTime, actions: inout [CoreAction]) {
        do {
            let kept = now.wall.milliseconds > limits.deliveredKeepMilliseconds
                ? Timestamp(milliseconds: now.wall.milliseconds - limits.deliveredKeepMilliseconds) : Timestamp(milliseconds: 0)
            let expired = try store.expireHeld(before: now.wall, deliveredBefore: kept)
            for key in expired { forgetHeld(key) }
            for key in try store.purgeProofs(before: now.wall) { proofSet.remove(key) }
            if !expired.isEmpty { actions.append(.log(.notice, "\(expired.count) undelivered messages expired")) }
        } catch {
            actions.append(.storeFailed("expiring old messages: \(error)"))
        }
    }

    /// A coordinator link is watched more closely: a coordinator that is down must be noticed fast,
    /// since messages wait for it until then.
    func keepaliveInterval(_ session: LinkSession) -> UInt64 {
        session.peerIsCoordinator ? limits.coordinatorKeepaliveMilliseconds : limits.keepaliveIntervalMilliseconds
    }

    func idleTimeout(_ session: LinkSession) -> UInt64 {
        session.peerIsCoordinator ? limits.coordinatorIdleTimeoutMilliseconds : limits.idleTimeoutMilliseconds
    }

    /// The longest the driver waits between ticks even with nothing due.
    public static let tickIntervalMillisecondsMax: UInt64 = 5_000
}
