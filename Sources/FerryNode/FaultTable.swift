import FerryWire

/// What a testing node does to its links with one peer (docs/CONTROL.md §Faults).
public struct PeerFaults: Equatable, Sendable {
    /// No link with the peer, either way.
    public var cut = false
    /// Percent of writes held back a retransmission timeout, as a lost TCP segment would be.
    public var lossPercent = 0.0
    /// Every write to the peer waits this long.
    public var delayMilliseconds: UInt64 = 0

    public init(cut: Bool = false, lossPercent: Double = 0, delayMilliseconds: UInt64 = 0) {
        self.cut = cut
        self.lossPercent = lossPercent
        self.delayMilliseconds = delayMilliseconds
    }

    var isImpaired: Bool { lossPercent > 0 || delayMilliseconds > 0 }
    var isEmpty: Bool { !cut && !isImpaired }
}

/// The faults a node started with `--testing` applies, by peer. Pure: it says who is cut and how long
/// a write waits given a random draw; the driver (`Node+Faults`) closes links and holds writes.
/// Bounded: at most `peersMax` peers, and `endpointsPerPeerMax` endpoints remembered per cut peer.
/// Memory only: a restarted node starts with none.
public struct FaultTable: Sendable {
    /// Most peers with a fault at once; a request for one more is refused.
    public static let peersMax = 1024
    /// Endpoints remembered per cut peer, so dials to them wait for the heal.
    public static let endpointsPerPeerMax = 16
    /// How long a "lost" write is held back at least: a retransmission timeout (Linux's minimum RTO
    /// is 200 ms), or twice the delay when that is longer, as an RTO follows the round trip.
    public static let retransmitTimeoutMillisecondsMin: UInt64 = 200

    public private(set) var peers: [Address: PeerFaults] = [:]
    /// Where each cut peer was found answering, for dials that do not name the peer (unpinned seeds).
    private var cutEndpoints: [Address: Set<String>] = [:]

    public init() {}

    /// Applies one request. Refused only when it would add a peer to a full table.
    public mutating func apply(_ fault: Fault) throws(FaultError) {
        switch fault {
        case .cut(let peer):
            try update(peer) { $0.cut = true }
        case .heal(let peer):
            try update(peer) { $0.cut = false }
            cutEndpoints[peer] = nil
        case .impair(let peer, let lossPercent, let delayMilliseconds):
            try update(peer) { faults in
                if let lossPercent { faults.lossPercent = lossPercent }
                if let delayMilliseconds { faults.delayMilliseconds = delayMilliseconds }
            }
        case .clear(let peer):
            try update(peer) { $0.lossPercent = 0; $0.delayMilliseconds = 0 }
        case .clearAll:
            peers = [:]
            cutEndpoints = [:]
        }
    }

    /// Changes one peer's faults; an entry left with none is removed, so heals and clears never
    /// grow the table.
    private mutating func update(_ peer: Address, _ change: (inout PeerFaults) -> Void) throws(FaultError) {
        var faults = peers[peer] ?? PeerFaults()
        change(&faults)
        if faults.isEmpty {
            peers[peer] = nil
            return
        }
        guard peers[peer] != nil || peers.count < Self.peersMax else {
            throw FaultError(
                "this node already has faults for \(Self.peersMax) peers, the most it keeps; heal or clear some, or send clear_all")
        }
        peers[peer] = faults
    }

    public var isEmpty: Bool { peers.isEmpty }

    public func isCut(_ peer: Address) -> Bool { peers[peer]?.cut == true }

    /// Remembers that a cut peer answers at `endpoint` (`host:port`); ignored for a peer that is
    /// not cut, and past `endpointsPerPeerMax`.
    public mutating func noteEndpoint(_ endpoint: String, of peer: Address) {
        guard isCut(peer), cutEndpoints[peer, default: []].count < Self.endpointsPerPeerMax else { return }
        cutEndpoints[peer, default: []].insert(endpoint)
    }

    /// The cut peer known to answer at `endpoint`, if any.
    public func cutPeer(at endpoint: String) -> Address? {
        cutEndpoints.first { $0.value.contains(endpoint) }?.key
    }

    /// How long a write to `peer` waits: the delay, plus a retransmission timeout when `draw` (a
    /// random number in [0, 1)) falls under the loss; nil when the peer is not impaired.
    public func holdMilliseconds(for peer: Address, draw: Double) -> UInt64? {
        guard let faults = peers[peer], faults.isImpaired else { return nil }
        let lost = draw * 100 < faults.lossPercent
        let retransmit = max(Self.retransmitTimeoutMillisecondsMin, 2 * faults.delayMilliseconds)
        return faults.delayMilliseconds + (lost ? retransmit : 0)
    }

    /// Every peer with a fault, by address.
    public var summaries: [(peer: Address, faults: PeerFaults)] {
        peers.sorted { $0.key < $1.key }.map { (peer: $0.key, faults: $0.value) }
    }
}
