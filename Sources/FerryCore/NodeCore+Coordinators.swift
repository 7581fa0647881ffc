import FerryStore
import FerryWire

/// A message handed to home coordinators: until `releaseAt` (and while one of them stays linked)
/// the mesh is held back for it; after that, or at once if they all drop, it is sprayed as well.
struct Handoff {
    var coordinators: Set<Address>
    var releaseAt: MonotonicTime
    var released = false
}

/// One configured coordinator, for `ferry status`.
public struct CoordinatorSummary: Sendable, Equatable {
    public var host: String
    public var port: UInt16
    public var address: Address?
    public var up: Bool
    /// Since when it has been up, if it is.
    public var since: CoreTime?
    /// Since when it has been down, if it is and was up before (nil: not linked since this node started).
    public var downSince: Timestamp?
    /// Own messages handed to it since start.
    public var handed: Int
    public var lastError: String?
}

/// Using coordinators while they are up (DESIGN.md §The coordinator): the path of an own message is
/// chosen again on every change of connectivity — direct if the recipient is linked, else its home
/// coordinators if one is linked, else the mesh; a handoff that gets no proof within the release
/// bound, or whose coordinator link drops, is released into the mesh as well.
extension NodeCore {
    /// The offer for `message` on `session`, by the routing rules and what the peer is to it.
    func offer(for message: HeldMessage, on session: LinkSession, now: CoreTime) -> Offer? {
        guard let peer = session.peer else { return nil }
        // The hello's coordinator flag is only a claim: mail goes to coordinators this node was
        // configured with (the ring, or a coordinator's own `--peer` coordinators), never to anyone
        // who says they are one.
        let trusted = session.peerIsCoordinator && (ring.coordinators.contains(peer) || connections.isSeedPeer(peer))
        let role = PeerRole(isCoordinator: trusted, isHome: trusted && isHome(peer, of: message.destination))
        return Router.offer(
            message, to: peer, capabilities: session.capabilities, now: now.wall, role: role,
            meshAllowed: meshAllowed(for: message, now: now))
    }

    func isHome(_ coordinator: Address, of destination: Address) -> Bool {
        ring.homes(of: destination).contains(coordinator)
    }

    /// The mesh waits for an own message while one of its home coordinators is linked and the
    /// handoff to it is younger than the release bound.
    func meshAllowed(for message: HeldMessage, now: CoreTime) -> Bool {
        guard message.kind == .own, !ring.coordinators.isEmpty else { return true }
        if let handoff = handoffs[message.key] { return handoff.released || now.monotonic >= handoff.releaseAt }
        return !ring.homes(of: message.destination).contains { connectedCoordinators.contains($0) }
    }

    /// Coordinators with an established link.
    var connectedCoordinators: Set<Address> {
        Set(sessions.values.compactMap { $0.isEstablished && $0.peerIsCoordinator ? $0.peer : nil })
    }

    /// An own message went to a coordinator: hold the mesh back for it until the release bound.
    func noteHandoff(_ message: HeldMessage, to coordinator: Address, now: CoreTime) {
        guard message.kind == .own else { return }
        var handoff = handoffs[message.key]
            ?? Handoff(coordinators: [], releaseAt: now.monotonic.adding(milliseconds: limits.coordinatorReleaseMilliseconds))
        handoff.coordinators.insert(coordinator)
        handoffs[message.key] = handoff
        handedCounts[coordinator, default: 0] += 1
    }

    /// A coordinator link is up: hand it the own messages it is home for (catch-up after an outage).
    func coordinatorLinked(_ session: LinkSession, now: CoreTime, actions: inout [CoreAction]) {
        guard let coordinator = session.peer else { return }
        ring.add(coordinator)
        do {
            for message in try store.ownPending(limit: limits.sprayQueuePerLinkMax) where isHome(coordinator, of: message.destination) {
                enqueueSpray(message.key, on: session)
            }
        } catch {
            actions.append(.storeFailed("listing messages for coordinator \(coordinator.text): \(error)"))
        }
        refill(session, now: now, actions: &actions)
    }

    /// A coordinator link ended: what was handed to it goes into the mesh now.
    func coordinatorGone(_ coordinator: Address, now: CoreTime, actions: inout [CoreAction]) {
        coordinatorsDownSince[coordinator] = now.wall
        for (key, var handoff) in handoffs where handoff.coordinators.contains(coordinator) && !handoff.released {
            handoff.coordinators.remove(coordinator)
            guard handoff.coordinators.isEmpty || !handoff.coordinators.contains(where: connectedCoordinators.contains) else {
                handoffs[key] = handoff
                continue
            }
            handoff.released = true
            handoffs[key] = handoff
            release(key, now: now, actions: &actions)
        }
    }

    /// Handoffs past the release bound with no proof: into the mesh too.
    func handoffTimers(now: CoreTime, actions: inout [CoreAction]) {
        for (key, var handoff) in handoffs where !handoff.released && now.monotonic >= handoff.releaseAt {
            handoff.released = true
            handoffs[key] = handoff
            release(key, now: now, actions: &actions)
        }
    }

    private func release(_ key: CustodyKey, now: CoreTime, actions: inout [CoreAction]) {
        do {
            guard let message = try store.held(key), message.isPending else {
                handoffs[key] = nil
                return
            }
            spread(message, now: now, actions: &actions)
        } catch {
            actions.append(.storeFailed("releasing \(key) into the mesh: \(error)"))
        }
    }

    /// The earliest release time of a handoff, for `nextDeadline`.
    var nextRelease: MonotonicTime? {
        handoffs.values.filter { !$0.released }.map(\.releaseAt).min()
    }

    /// The configured coordinators, for `ferry status`.
    public var coordinatorSummaries: [CoordinatorSummary] {
        connections.endpoints.values.filter(\.isCoordinator).sorted { $0.key < $1.key }.map { endpoint in
            var since: CoreTime?
            var up = false
            if case .linked(let link) = endpoint.state, let session = sessions[link], session.isEstablished {
                up = true
                since = session.establishedAt
            }
            return CoordinatorSummary(
                host: endpoint.host, port: endpoint.port, address: endpoint.peer, up: up, since: since,
                downSince: up ? nil : endpoint.peer.flatMap { coordinatorsDownSince[$0] },
                handed: endpoint.peer.map { handedCounts[$0] ?? 0 } ?? 0, lastError: endpoint.lastError)
        }
    }

    /// A coordinator's mailboxes: messages and bytes in all, and the addresses with the most.
    public var mailboxSummary: (count: Int, bytes: Int, largest: [(address: Address, bytes: Int, count: Int)]) {
        (mailboxUsage.count, mailboxUsage.totalBytes, mailboxUsage.largestDestinations(Self.mailboxListedMax))
    }

    static let mailboxListedMax = 32
}
