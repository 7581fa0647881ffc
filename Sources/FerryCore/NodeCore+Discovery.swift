import FerryCrypto
import FerryStore
import FerryWire

/// Where a record in the directory came from, as `ferry directory` shows it.
public enum DirectorySource: String, Sendable {
    /// The peer's own hello.
    case hello
    /// An announce that spread through the mesh.
    case announce
    /// The sender record inside a message we opened.
    case message
    /// In the store from before this start.
    case stored
}

/// What discovery did since start, for `ferry status --json` (`discovery`).
public struct DiscoveryCounters: Sendable, Equatable {
    public var beaconsSent = 0
    public var beaconsHeard = 0
    /// Beacons dropped: malformed, stale, badly signed, or over a source's rate.
    public var beaconsRejected = 0
    public var exchangesHeard = 0
    /// Peer-exchange entries or frames dropped: junk endpoints, over the rate, discovery off.
    public var exchangeRejected = 0
    public var announcesLearnt = 0
    /// Announces dropped: invalid or expired records, over the rate.
    public var announcesRejected = 0
}

/// Discovery (DESIGN.md §Routing, discovery): LAN beacons, peer exchange and announces.
extension NodeCore {
    // MARK: Seeds and dials

    /// A `--peer` seed (or, with `coordinator`, a `--coordinator`): dialled until linked, and again
    /// whenever its link ends. A coordinator given with its address joins the ring at once.
    public func addSeed(host: String, port: UInt16, expected: Address?, coordinator: Bool = false, now: CoreTime) {
        connections.addSeed(host: host, port: port, expected: expected, coordinator: coordinator, now: now.monotonic)
        if coordinator, let expected { ring.add(expected) }
    }

    /// The driver could not connect a dial.
    public func dialFailed(_ dial: DialID, reason: String, now: CoreTime) -> [CoreAction] {
        guard let (endpoint, first) = connections.dialFailed(dial, reason: reason, now: now.monotonic, unit: randomUnit()) else {
            return []
        }
        let text = "cannot reach \(endpoint.isSeed ? "seed " : "")\(endpoint.key): \(reason)"
        return [.log(first && endpoint.isSeed ? .warning : .debug, text)]
    }

    /// The dials due now.
    func dueDials(now: CoreTime) -> [CoreAction] {
        let links = sessions.values.filter(\.isEstablished).count
        return connections.dueDials(
            now: now.monotonic, linked: connectedPeers, links: links, discovery: discoveryEnabled, limits: limits
        ).map { .dial($0) }
    }

    /// Endpoints known (seeds and learnt), for `ferry status`.
    public var knownEndpointCount: Int { connections.endpoints.count }

    /// When `dueDials` will next have something to dial.
    func nextDialDue(now: CoreTime) -> MonotonicTime? {
        let links = sessions.values.filter(\.isEstablished).count
        return connections.nextDue(
            now: now.monotonic, linked: connectedPeers, links: links, discovery: discoveryEnabled, limits: limits)
    }

    /// Configured seeds that are not linked, for `ferry peers`.
    public var seedSummaries: [SeedSummary] {
        let linked = connectedPeers
        return connections.endpoints.values.filter(\.isSeed).sorted { $0.key < $1.key }.compactMap { endpoint in
            let state: String
            var retryAt: MonotonicTime?
            let linkedInbound = endpoint.peer.map(linked.contains) == true
            switch endpoint.state {
            case .linked: return nil
            case .isSelf: state = "self"
            case .dialling: state = "dialling"
            case .idle: state = linkedInbound ? "linked-inbound" : "waiting"
            case .waiting(let until):
                state = linkedInbound ? "linked-inbound" : "waiting"
                if !linkedInbound { retryAt = until }
            }
            return SeedSummary(
                host: endpoint.host, port: endpoint.port, peer: endpoint.peer, state: state,
                lastError: endpoint.lastError, retryAt: retryAt)
        }
    }

    // MARK: Beacons

    /// A datagram arrived on the beacon socket from `host` (IPv4, or IPv6 with its scope when it is
    /// link-local: `fe80::1%eth0`). Cheap checks first, the signature last, all under a per-source
    /// and a total budget; every rejection is counted, none is logged per beacon. A host that cannot
    /// be dialled back (unspecified, multicast, link-local without its scope) is rejected first.
    public func beaconReceived(_ bytes: [UInt8], from host: String, now: CoreTime) -> [CoreAction] {
        guard discoveryEnabled else { return [] }
        guard HostText.isDialable(host), beaconBudgets.take(host: host, now: now.monotonic, limits: limits) else {
            discoveryCounters.beaconsRejected += 1
            return []
        }
        guard let beacon = try? Beacon.decode(bytes),
              now.wall.distance(to: beacon.timestamp) <= limits.beaconFreshnessMilliseconds,
              let peer = BeaconSigning.verifiedAddress(of: beacon)
        else {
            discoveryCounters.beaconsRejected += 1
            return []
        }
        guard peer != address else { return [] }  // our own, looped back
        discoveryCounters.beaconsHeard += 1
        connections.learn(host: host, port: beacon.listenPort, peer: peer, by: .beacon, now: now.monotonic, limits: limits)
        return dueDials(now: now)
    }

    /// Beacons go out: the driver enabled them, discovery is on, and there is a port to announce.
    var beaconsOn: Bool { beaconsEnabled && discoveryEnabled && listenPort != 0 }

    /// Our beacon, when one is due.
    func beaconIfDue(now: CoreTime) -> [CoreAction] {
        guard beaconsOn else { return [] }
        if let next = nextBeacon, now.monotonic < next { return [] }
        let jitter = UInt64(Double(limits.beaconIntervalMilliseconds) * (0.75 + 0.5 * randomUnit()))
        nextBeacon = now.monotonic.adding(milliseconds: jitter)
        guard let beacon = try? BeaconSigning.beacon(from: identity, listenPort: listenPort, capabilities: hello.capabilities, now: now.wall) else {
            return []
        }
        discoveryCounters.beaconsSent += 1
        return [.beacon(beacon.encoded())]
    }

    // MARK: Peer exchange and announces

    /// A link came up: tell the peer the endpoints we know (discovery on) and the records we know.
    func introduce(on session: LinkSession, now: CoreTime) {
        sendEndpoints(on: session, now: now)
        guard session.capabilities.contains(.announce) else { return }
        session.send(.announce(hopsLeft: limits.announceHopLimit, record: record.encoded()))
        // A coordinator serves the directory: it tells a newcomer more of what it knows.
        let count = isCoordinator ? limits.announcesOnLinkUpMax * 4 : limits.announcesOnLinkUpMax
        let recent = directorySources.sorted { $0.value.at > $1.value.at }.prefix(count)
        for (peer, _) in recent where peer != session.peer {
            if let stored = try? store.identity(for: peer) {
                session.send(.announce(hopsLeft: limits.announceHopLimit / 2, record: stored))
            }
        }
    }

    /// Endpoints of linked peers that accept links, for one peer: never its own, and never a
    /// link-local one (`fe80::1%eth0`), which means nothing off this node's link. IPv4 and global
    /// IPv6; a peer a dual-stack listener sees as `::ffff:198.18.0.2` is told as IPv4.
    func sendEndpoints(on session: LinkSession, now: CoreTime) {
        // A coordinator serves endpoints of the nodes linked to it even though it dials none itself.
        guard discoveryEnabled || isCoordinator, session.capabilities.contains(.exchange) else { return }
        session.lastExchange = now.monotonic
        var entries: [EndpointEntry] = []
        for other in establishedSessions where other !== session && entries.count < WireLimits.endpointsPerFrameMax {
            let host = HostText.unmapped(LinkSession.host(of: other.endpoint))
            guard let peer = other.peer, other.peerListenPort != 0, !HostText.isLinkLocal(host),
                  let ip = EndpointEntry.ip(host) else { continue }
            let entry = EndpointEntry(address: peer, ip: ip, port: other.peerListenPort)
            if entry.isUsable { entries.append(entry) }
        }
        if !entries.isEmpty { session.send(.endpoints(entries)) }
    }

    func receiveEndpoints(_ entries: [EndpointEntry], on session: LinkSession, now: CoreTime) {
        guard discoveryEnabled, session.exchangeBudget.take(now: now.monotonic) else {
            discoveryCounters.exchangeRejected += 1
            return
        }
        discoveryCounters.exchangesHeard += 1
        for entry in entries {
            guard entry.isUsable, entry.address != address, entry.address != session.peer else {
                discoveryCounters.exchangeRejected += 1
                continue
            }
            connections.learn(host: entry.host, port: entry.port, peer: entry.address, by: .exchange, now: now.monotonic, limits: limits)
        }
    }

    /// An identity record spreading through the mesh: checked (signature, expiry), kept if it is
    /// newer than what we have, and passed on with one hop less. Nothing old is ever passed on, so
    /// an announce stops where it is already known.
    func receiveAnnounce(_ bytes: [UInt8], hopsLeft: UInt8, on session: LinkSession, now: CoreTime, actions: inout [CoreAction]) {
        guard session.announceBudget.take(now: now.monotonic) else {
            discoveryCounters.announcesRejected += 1
            return
        }
        guard let identity = try? VerifiedIdentity(encoded: bytes, now: now.wall) else {
            discoveryCounters.announcesRejected += 1
            return
        }
        let peer = identity.address
        guard peer != address else { return }
        // Passed on once per (address, created): a record we already hold (from the peer's own hello,
        // say) still spreads the first time its announce comes by, an older one never does.
        let announced = AnnouncedRecord(address: peer, created: identity.record.created)
        guard !announcesSeen.contains(announced) else { return }
        do {
            if try store.putIdentity(bytes, for: peer) {
                discoveryCounters.announcesLearnt += 1
                directorySources[peer] = (.announce, now.wall)
                identitiesLearntSinceTrim += 1
                if identitiesLearntSinceTrim >= limits.identitiesTrimEvery { trimIdentities(actions: &actions) }
            } else if let held = try store.identity(for: peer), let current = try? IdentityRecord.decode(held),
                      current.created > identity.record.created {
                return  // older than what we hold: a rollback, never spread
            }
        } catch {
            return actions.append(.storeFailed("keeping the announced record of \(peer.text): \(error)"))
        }
        announcesSeen.insert(announced)
        // A peer's hop count is capped at ours: a stranger cannot make a record travel further.
        spreadAnnounce(bytes, hopsLeft: min(hopsLeft, limits.announceHopLimit), of: peer, from: session, now: now, actions: &actions)
    }

    /// Keeps the directory within `identitiesKeptMax` records (the least recently stored go), so a
    /// stream of valid announces from made-up identities costs a bounded file.
    func trimIdentities(actions: inout [CoreAction]) {
        identitiesLearntSinceTrim = 0
        do {
            for removed in try store.trimIdentities(keepingAtMost: limits.identitiesKeptMax) { directorySources[removed] = nil }
        } catch {
            actions.append(.storeFailed("trimming the directory: \(error)"))
        }
    }

    /// Passes a record just learnt on `session` to the other peers that take announces (never back,
    /// never to its owner), with one hop less.
    func spreadAnnounce(
        _ bytes: [UInt8], hopsLeft: UInt8, of peer: Address, from session: LinkSession, now: CoreTime, actions: inout [CoreAction]
    ) {
        guard hopsLeft > 1 else { return }
        for other in establishedSessions where other !== session && other.capabilities.contains(.announce) && other.peer != peer {
            other.send(.announce(hopsLeft: hopsLeft - 1, record: bytes))
            emitOutput(other, now: now, into: &actions)
        }
    }

    /// Periodic peer exchange and stale endpoints, from the timers.
    func discoveryTimers(now: CoreTime, actions: inout [CoreAction]) {
        for session in establishedSessions {
            if let last = session.lastExchange, now.monotonic.since(last) < limits.exchangeIntervalMilliseconds { continue }
            sendEndpoints(on: session, now: now)
            emitOutput(session, now: now, into: &actions)
        }
    }

    // MARK: Directory

    /// Identity records known, newest first, with how each was learnt, for `ferry directory`.
    public func directory(limit: Int) throws -> [DirectoryEntry] {
        try store.identities(limit: limit).map { stored in
            let source = directorySources[stored.address]
            return DirectoryEntry(
                address: stored.address, record: stored.record, updated: source?.at ?? stored.updated,
                source: source?.source ?? .stored)
        }
    }

    /// Notes how a record was learnt (hello or message); announces note themselves.
    func noteRecord(_ peer: Address, from source: DirectorySource, now: CoreTime) {
        if directorySources[peer] == nil || source != .message { directorySources[peer] = (source, now.wall) }
    }
}

/// One record of `ferry directory`.
public struct DirectoryEntry: Sendable, Equatable {
    public var address: Address
    public var record: [UInt8]
    /// When this node learnt it (this run), else when it was stored.
    public var updated: Timestamp
    public var source: DirectorySource
}

/// Beacon budgets per source host and in all, so a flood from one host costs few verifications
/// and cannot crowd out the others.
struct BeaconBudgets {
    private var total: TokenBucket?
    private var bySource: [String: TokenBucket] = [:]
    private var order: [String] = []

    mutating func take(host: String, now: MonotonicTime, limits: CoreLimits) -> Bool {
        if total == nil { total = TokenBucket(perSecond: limits.beaconsPerSecond, burst: limits.beaconsBurst) }
        if bySource[host] == nil {
            if order.count >= limits.beaconSourcesMax { bySource[order.removeFirst()] = nil }
            bySource[host] = TokenBucket(perSecond: limits.beaconsPerSourcePerSecond, burst: limits.beaconsPerSourceBurst)
            order.append(host)
        }
        guard bySource[host]!.take(now: now) else { return false }
        return total!.take(now: now)
    }
}

/// An announce passed on: each (address, created) once.
struct AnnouncedRecord: Hashable {
    let address: Address
    let created: Timestamp
}

/// The announces a node has passed on, bounded: forgetting one only lets it be passed on once more.
struct AnnouncesSeen {
    private var seen: Set<AnnouncedRecord> = []
    static let capacity = 65_536

    func contains(_ record: AnnouncedRecord) -> Bool { seen.contains(record) }

    mutating func insert(_ record: AnnouncedRecord) {
        if seen.count >= Self.capacity { seen.removeAll() }
        seen.insert(record)
    }
}
