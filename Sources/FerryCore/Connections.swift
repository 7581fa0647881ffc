import FerryWire

/// How a node came to know an endpoint, as `ferry peers --json` shows it (`found_by`).
public enum FoundBy: String, Sendable {
    case seed, beacon, exchange, inbound, directory
}

/// Identifies one dial the core asked for; the driver reports back with it.
public struct DialID: Hashable, Sendable, CustomStringConvertible {
    public let value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public var description: String { "dial#\(value)" }
}

/// A connection the core wants made: the driver connects, then calls `linkOpened(…, dial:)` or
/// `dialFailed`.
public struct DialRequest: Sendable, Equatable {
    public let id: DialID
    public let host: String
    public let port: UInt16
    /// The address that must answer there (pinned seeds, and everything learnt with an address).
    public let expectedPeer: Address?
}

/// One endpoint the node knows, and what it is doing about it.
struct KnownEndpoint {
    enum State: Equatable {
        case idle
        case dialling(DialID)
        case linked(LinkID)
        /// Backing off after a failure, until then.
        case waiting(until: MonotonicTime)
        /// It is this node itself: never dialled.
        case isSelf
    }

    let host: String
    let port: UInt16
    /// Who is there: pinned for `--peer ADDRESS@…`, learnt from a beacon, an exchange or a handshake.
    var peer: Address?
    let pinned: Bool
    let isSeed: Bool
    /// A configured coordinator (`--coordinator`): dialled like a seed, shown in status.
    var isCoordinator = false
    var foundBy: FoundBy
    var lastHeard: MonotonicTime
    var state: State = .idle
    var backoff = Backoff()
    var lastError: String?
    var failuresInRow = 0

    var key: String { Self.key(host: host, port: port) }

    static func key(host: String, port: UInt16) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// A dial pins the address when the operator pinned it or when it was learnt signed (beacon,
    /// exchange): a plain seed accepts whoever answers.
    var expectedPeer: Address? { pinned || !isSeed ? peer : nil }
}

/// Whom to link to (CoreLimits): every seed, kept linked; discovered endpoints up to a target
/// number of links, a few dials at a time, each with backoff and jitter. Pure: it decides, the
/// driver dials.
struct Connections {
    private(set) var endpoints: [String: KnownEndpoint] = [:]
    private var dials: [DialID: String] = [:]
    private var linkEndpoints: [LinkID: String] = [:]
    private var nextDial: UInt64 = 1

    /// A seed from the configuration: dialled until linked, forever.
    mutating func addSeed(host: String, port: UInt16, expected: Address?, coordinator: Bool = false, now: MonotonicTime) {
        var endpoint = KnownEndpoint(
            host: host, port: port, peer: expected, pinned: expected != nil, isSeed: true, foundBy: .seed, lastHeard: now)
        endpoint.isCoordinator = coordinator
        if coordinator {
            // A coordinator that comes back must be found again within about a second: catch-up
            // waits for it, and redialling one endpoint that often costs nothing.
            endpoint.backoff.initialMilliseconds = 100
            endpoint.backoff.maxMilliseconds = 1_000
        }
        if let existing = endpoints[endpoint.key] { endpoint.state = existing.state }
        endpoints[endpoint.key] = endpoint
    }

    /// An endpoint learnt from a beacon or a peer: added, or refreshed. Seeds keep their own data.
    mutating func learn(host: String, port: UInt16, peer: Address, by source: FoundBy, now: MonotonicTime, limits: CoreLimits) {
        let key = KnownEndpoint.key(host: host, port: port)
        if var known = endpoints[key] {
            known.lastHeard = now
            if !known.isSeed { known.peer = peer }
            endpoints[key] = known
            return
        }
        if endpoints.count >= limits.endpointsMax, !evictOne() { return }
        endpoints[key] = KnownEndpoint(host: host, port: port, peer: peer, pinned: false, isSeed: false, foundBy: source, lastHeard: now)
    }

    /// Makes room: the learnt endpoint heard from longest ago that is not linked or being dialled.
    private mutating func evictOne() -> Bool {
        let candidates = endpoints.values.filter { endpoint in
            guard !endpoint.isSeed else { return false }
            switch endpoint.state {
            case .idle, .waiting, .isSelf: return true
            case .dialling, .linked: return false
            }
        }
        guard let oldest = candidates.min(by: { $0.lastHeard < $1.lastHeard }) else { return false }
        endpoints[oldest.key] = nil
        return true
    }

    /// The dials due now: every seed not linked; discovered endpoints while under the target.
    mutating func dueDials(
        now: MonotonicTime, linked: Set<Address>, links: Int, discovery: Bool, limits: CoreLimits
    ) -> [DialRequest] {
        var requests: [DialRequest] = []
        var inFlight = dials.count
        let ordered = endpoints.values.sorted { ($0.isSeed ? 0 : 1, $1.lastHeard, $0.key) < ($1.isSeed ? 0 : 1, $0.lastHeard, $1.key) }
        for endpoint in ordered where isDue(endpoint, now: now, linked: linked) {
            if !endpoint.isSeed {
                guard discovery, links + inFlight < limits.targetLinks, inFlight < limits.dialsInFlightMax else { continue }
            }
            let id = DialID(nextDial)
            nextDial += 1
            dials[id] = endpoint.key
            endpoints[endpoint.key]?.state = .dialling(id)
            inFlight += 1
            requests.append(DialRequest(id: id, host: endpoint.host, port: endpoint.port, expectedPeer: endpoint.expectedPeer))
        }
        return requests
    }

    private func isDue(_ endpoint: KnownEndpoint, now: MonotonicTime, linked: Set<Address>) -> Bool {
        dueTime(endpoint, now: now, linked: linked).map { $0 <= now } ?? false
    }

    /// When the endpoint may be dialled: now (idle), after its backoff (waiting), or not until
    /// something happens (dialling, linked, the node itself, or its peer linked another way).
    private func dueTime(_ endpoint: KnownEndpoint, now: MonotonicTime, linked: Set<Address>) -> MonotonicTime? {
        if let peer = endpoint.peer, linked.contains(peer) { return nil }
        switch endpoint.state {
        case .idle: return now
        case .waiting(let until): return until
        case .dialling, .linked, .isSelf: return nil
        }
    }

    /// The driver could not connect. Returns the endpoint (for the log) and whether it was the first
    /// failure in a row (worth a warning).
    mutating func dialFailed(_ id: DialID, reason: String, now: MonotonicTime, unit: Double) -> (KnownEndpoint, first: Bool)? {
        guard let key = dials.removeValue(forKey: id), var endpoint = endpoints[key] else { return nil }
        endpoint.failuresInRow += 1
        endpoint.lastError = reason
        endpoint.state = .waiting(until: now.adding(milliseconds: endpoint.backoff.next(unit: unit)))
        endpoints[key] = endpoint
        return (endpoint, endpoint.failuresInRow == 1)
    }

    /// A dial connected: the link is the endpoint's now.
    mutating func dialConnected(_ id: DialID, link: LinkID) {
        guard let key = dials.removeValue(forKey: id) else { return }
        endpoints[key]?.state = .linked(link)
        linkEndpoints[link] = key
    }

    /// The link got through its hello: the endpoint answers for `peer`, and its backoff resets.
    mutating func linkEstablished(_ link: LinkID, peer: Address) {
        guard let key = linkEndpoints[link], var endpoint = endpoints[key] else { return }
        if !endpoint.pinned { endpoint.peer = peer }
        endpoint.backoff.reset()
        endpoint.failuresInRow = 0
        endpoint.lastError = nil
        endpoints[key] = endpoint
    }

    /// The core refused the link: remember what that means for the next dial. A duplicate names the
    /// peer that is there, so an unpinned seed is not dialled again while that peer is linked.
    mutating func linkRejected(_ link: LinkID, _ rejection: LinkRejection, peer: Address?) {
        guard let key = linkEndpoints[link], var endpoint = endpoints[key] else { return }
        switch rejection {
        case .isSelf:
            endpoint.state = .isSelf
            endpoint.lastError = "this is the node itself"
        case .duplicate:
            endpoint.lastError = nil
            if !endpoint.pinned, let peer { endpoint.peer = peer }
        case .wrongPeer: endpoint.lastError = "answered by another node than the expected address"
        case .busy: endpoint.lastError = "the peer is busy (too many links)"
        }
        endpoints[key] = endpoint
    }

    /// A dialled link ended: dial again after the backoff (short again if the link had been up).
    mutating func linkClosed(_ link: LinkID, wasEstablished: Bool, now: MonotonicTime, unit: Double) {
        guard let key = linkEndpoints.removeValue(forKey: link), var endpoint = endpoints[key] else { return }
        guard endpoint.state != .isSelf else { return }
        if !wasEstablished { endpoint.failuresInRow += 1 } else if endpoint.lastError == nil { endpoint.lastError = "link lost" }
        endpoint.state = .waiting(until: now.adding(milliseconds: endpoint.backoff.next(unit: unit)))
        endpoints[key] = endpoint
    }

    /// How the endpoint behind a dialled link was found (`seed`, `beacon`, `exchange`).
    func foundBy(_ link: LinkID) -> FoundBy? {
        linkEndpoints[link].flatMap { endpoints[$0]?.foundBy }
    }

    /// Forgets learnt endpoints not heard of for `staleMilliseconds` that nothing uses.
    mutating func dropStale(now: MonotonicTime, staleMilliseconds: UInt64) {
        for endpoint in endpoints.values where !endpoint.isSeed && now.since(endpoint.lastHeard) > staleMilliseconds {
            switch endpoint.state {
            case .idle, .waiting, .isSelf: endpoints[endpoint.key] = nil
            case .dialling, .linked: break
            }
        }
    }

    /// The earliest time `dueDials` would dial something, with the same rules: seeds always,
    /// discovered endpoints only while there is room under the target. Endpoints it would skip are
    /// left out, so the deadline never stays in the past with nothing to do.
    func nextDue(now: MonotonicTime, linked: Set<Address>, links: Int, discovery: Bool, limits: CoreLimits) -> MonotonicTime? {
        let room = discovery && links + dials.count < limits.targetLinks && dials.count < limits.dialsInFlightMax
        return endpoints.values.filter { $0.isSeed || room }.compactMap { dueTime($0, now: now, linked: linked) }.min()
    }

    /// Whether `address` is the node behind a configured seed (`--peer`, `--coordinator`).
    func isSeedPeer(_ address: Address) -> Bool {
        endpoints.values.contains { $0.isSeed && $0.peer == address }
    }
}
