import FerryCore
import FerryCrypto
import FerryStore
import FerryWire
import XCTest

/// One test node: a core, its in-memory store, and what it reported.
final class TestNode {
    let core: NodeCore
    let store = InMemoryMessageStore()
    var delivered: [InboundMessage] = []
    var proofs: [MessageID] = []
    var receipts: [MessageID] = []
    var established: [Address] = []
    var closedLinks: [LinkID] = []
    var logs: [String] = []

    init(seed: UInt64, limits: CoreLimits = CoreLimits()) throws {
        let identity = try NodeIdentity.generate()
        let record = try identity.record(
            created: Timestamp(milliseconds: 0), expires: Timestamp(milliseconds: 10_000_000_000_000))
        core = NodeCore(identity: identity, record: record, store: store, random: SplitMixRandom(seed: seed), limits: limits)
    }

    var address: Address { core.address }
    var verified: VerifiedIdentity { try! VerifiedIdentity(record: core.record, now: nil) }
}

/// Two cores joined by in-memory links on a manual clock (quinn-proto's `Pair`): actions are
/// carried out by shuttling bytes until both sides are quiet.
final class CorePair {
    let a: TestNode
    let b: TestNode
    var now = Timestamp(milliseconds: 1_000_000)
    private var nextLink: UInt64 = 1
    /// Live links: link id on A's side ↔ link id on B's side.
    private(set) var links: [(a: LinkID, b: LinkID)] = []
    /// Frames queued for delivery: (to node is A?, link on the receiving side, bytes).
    private var wire: [(toA: Bool, link: LinkID, bytes: [UInt8])] = []
    /// When false, bytes from B to A are dropped (a one-way cut).
    var deliverBToA = true
    /// Links (A's side) whose bytes from A to B are dropped.
    var blackholedFromA: Set<LinkID> = []

    init(limits: CoreLimits = CoreLimits()) throws {
        a = try TestNode(seed: 1, limits: limits)
        b = try TestNode(seed: 2, limits: limits)
    }

    /// A dials B. Returns the pair of link ids.
    @discardableResult
    func connect(expectedPeer: Address? = nil, engineKeyForB: [UInt8]? = nil) -> (a: LinkID, b: LinkID) {
        let pair = (a: LinkID(nextLink), b: LinkID(nextLink + 1))
        nextLink += 2
        links.append(pair)
        let engineA = PlainEngine(publicKey: a.core.identity.signingPublicKey)
        let engineB = PlainEngine(publicKey: engineKeyForB ?? b.core.identity.signingPublicKey)
        apply(a.core.linkOpened(pair.a, engine: engineA, outbound: true, expectedPeer: expectedPeer, endpoint: "b", now: now), at: a)
        apply(b.core.linkOpened(pair.b, engine: engineB, outbound: false, expectedPeer: nil, endpoint: "a", now: now), at: b)
        run()
        return pair
    }

    /// Cuts every link, as a network failure would: both sides learn of it.
    func disconnectAll() {
        for pair in links {
            apply(a.core.linkClosed(pair.a, now: now), at: a)
            apply(b.core.linkClosed(pair.b, now: now), at: b)
        }
        links = []
        wire = []
    }

    /// Cuts one link; both sides learn of it.
    func disconnect(_ pair: (a: LinkID, b: LinkID)) {
        links.removeAll { $0.a == pair.a }
        apply(a.core.linkClosed(pair.a, now: now), at: a)
        apply(b.core.linkClosed(pair.b, now: now), at: b)
        run()
    }

    /// Delivers queued bytes until nothing moves (bounded).
    func run(maxSteps: Int = 10_000) {
        var steps = 0
        while !wire.isEmpty {
            steps += 1
            precondition(steps < maxSteps, "pair did not settle")
            let item = wire.removeFirst()
            guard links.contains(where: { item.toA ? $0.a == item.link : $0.b == item.link }) else { continue }
            let node = item.toA ? a : b
            apply(node.core.linkReceived(item.link, bytes: item.bytes, now: now), at: node)
        }
    }

    func advance(milliseconds: UInt64) {
        now = now.adding(milliseconds: milliseconds)
        apply(a.core.tick(now: now), at: a)
        apply(b.core.tick(now: now), at: b)
        run()
    }

    func send(_ text: String) throws -> MessageID {
        let (id, actions) = try a.core.submit(body: Array(text.utf8), to: b.verified, now: now)
        apply(actions, at: a)
        run()
        return id
    }

    func apply(_ actions: [CoreAction], at node: TestNode) {
        let isA = node === a
        for action in actions {
            switch action {
            case .send(let link, let bytes):
                guard let pair = links.first(where: { isA ? $0.a == link : $0.b == link }) else { continue }
                if !isA && !deliverBToA { continue }
                if isA && blackholedFromA.contains(link) { continue }
                wire.append((toA: !isA, link: isA ? pair.b : pair.a, bytes: bytes))
            case .close(let link):
                node.closedLinks.append(link)
                guard let index = links.firstIndex(where: { isA ? $0.a == link : $0.b == link }) else { continue }
                let pair = links.remove(at: index)
                let other = isA ? b : a
                apply(other.core.linkClosed(isA ? pair.b : pair.a, now: now), at: other)
            case .linkEstablished(_, let peer): node.established.append(peer)
            case .delivered(let message): node.delivered.append(message)
            case .proofAccepted(let id): node.proofs.append(id)
            case .receiptReceived(let id, _): node.receipts.append(id)
            case .log(_, let text): node.logs.append(text)
            }
        }
    }
}
