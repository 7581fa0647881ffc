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
    var proofPaths: [(DeliveryPath, UInt8)] = []
    var established: [Address] = []
    var rejected: [(LinkID, LinkRejection)] = []
    var storeFailures: [String] = []
    var closedLinks: [LinkID] = []
    var logs: [String] = []
    var dials: [DialRequest] = []
    var beacons: [[UInt8]] = []

    init(seed: UInt64, limits: CoreLimits = CoreLimits(), identity given: NodeIdentity? = nil) throws {
        let identity = try given ?? NodeIdentity.generate()
        let record = try identity.record(
            created: Timestamp(milliseconds: 0), expires: Timestamp(milliseconds: 10_000_000_000_000))
        core = try NodeCore(
            identity: identity, record: record, store: store, random: SplitMixRandom(seed: seed), limits: limits,
            now: Timestamp(milliseconds: 1_000_000))
    }

    var address: Address { core.address }
    var verified: VerifiedIdentity { try! VerifiedIdentity(record: core.record, now: nil) }

    /// Notes an action that is not about moving bytes or closing links.
    func record(_ action: CoreAction) {
        switch action {
        case .send, .close: break
        case .linkEstablished(_, let peer): established.append(peer)
        case .linkRejected(let link, let rejection): rejected.append((link, rejection))
        case .delivered(let message): delivered.append(message)
        case .proofAccepted(let id, let path, let hops): proofs.append(id); proofPaths.append((path, hops))
        case .storeFailed(let detail): storeFailures.append(detail)
        case .log(_, let text): logs.append(text)
        case .dial(let request): dials.append(request)
        case .beacon(let bytes): beacons.append(bytes)
        }
    }
}

/// Two cores joined by in-memory links on a manual clock (quinn-proto's `Pair`): actions are
/// carried out by shuttling bytes until both sides are quiet. Delivering bytes to the receiver
/// counts as the sender's socket having written them (`linkWritten`), unless writes are held.
final class CorePair {
    let a: TestNode
    let b: TestNode
    var now = CoreTime(wall: Timestamp(milliseconds: 1_000_000), monotonic: MonotonicTime(milliseconds: 5_000))
    private var nextLink: UInt64 = 1
    /// Live links: link id on A's side ↔ link id on B's side.
    private(set) var links: [(a: LinkID, b: LinkID)] = []
    /// Bytes queued for delivery: to node A?, link on the receiving side, link on the sending side.
    private var wire: [(toA: Bool, link: LinkID, from: LinkID, bytes: [UInt8])] = []
    /// When false, bytes from B to A are dropped (a one-way cut).
    var deliverBToA = true
    /// Frame kinds dropped from what B sends (a peer that ignores one kind of frame). Works on the
    /// plain engine's bytes, which are the frames themselves.
    var dropKindsFromB: Set<UInt8> = []
    /// Frames A sent, by kind (counted as A sends them).
    private(set) var sentByA: [UInt8: Int] = [:]
    /// Links (A's side) whose bytes from A to B are dropped.
    var blackholedFromA: Set<LinkID> = []
    /// When true, bytes A sends stay on the wire: B does not read them and A's socket never
    /// reports them written (a peer that stopped reading).
    var holdFromA = false
    /// Every send action's size on A's side, to check the socket queue bound.
    private(set) var largestQueueA = 0

    init(limits: CoreLimits = CoreLimits()) throws {
        a = try TestNode(seed: 1, limits: limits)
        b = try TestNode(seed: 2, limits: limits)
    }

    /// A dials B. Returns the pair of link ids.
    @discardableResult
    func connect(expectedPeer: Address? = nil, engineKeyForB: [UInt8]? = nil, bDials: Bool = false) -> (a: LinkID, b: LinkID) {
        let pair = (a: LinkID(nextLink), b: LinkID(nextLink + 1))
        nextLink += 2
        links.append(pair)
        let engineA = PlainEngine(publicKey: a.core.identity.signingPublicKey)
        let engineB = PlainEngine(publicKey: engineKeyForB ?? b.core.identity.signingPublicKey)
        apply(a.core.linkOpened(pair.a, engine: engineA, outbound: !bDials, expectedPeer: expectedPeer, endpoint: "127.0.0.2:1", now: now), at: a)
        apply(b.core.linkOpened(pair.b, engine: engineB, outbound: bDials, expectedPeer: nil, endpoint: "127.0.0.1:2", now: now), at: b)
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
    func run(maxSteps: Int = 100_000) {
        var steps = 0
        while let index = wire.firstIndex(where: { !(holdFromA && !$0.toA) }) {
            steps += 1
            precondition(steps < maxSteps, "pair did not settle")
            let item = wire.remove(at: index)
            guard links.contains(where: { item.toA ? $0.a == item.link : $0.b == item.link }) else { continue }
            let (receiver, sender) = item.toA ? (a, b) : (b, a)
            apply(sender.core.linkWritten(item.from, byteCount: item.bytes.count, now: now), at: sender)
            apply(receiver.core.linkReceived(item.link, bytes: item.bytes, now: now), at: receiver)
        }
    }

    /// Bytes A has sent that B has not read (while `holdFromA`).
    var heldBytesFromA: Int { wire.filter { !$0.toA }.reduce(0) { $0 + $1.bytes.count } }

    func advance(milliseconds: UInt64) {
        now = now.adding(milliseconds: milliseconds)
        apply(a.core.tick(now: now), at: a)
        apply(b.core.tick(now: now), at: b)
        run()
    }

    func send(_ text: String) throws -> MessageID {
        try send(body: Array(text.utf8))
    }

    func send(body: [UInt8]) throws -> MessageID {
        let (id, actions) = try a.core.submit(body: body, to: b.verified, now: now)
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
                if isA { for kind in Self.frameKinds(bytes) { sentByA[kind, default: 0] += 1 } }
                let bytes = isA || dropKindsFromB.isEmpty ? bytes : Self.dropping(dropKindsFromB, from: bytes)
                if bytes.isEmpty { continue }
                if isA && blackholedFromA.contains(link) { continue }
                wire.append((toA: !isA, link: isA ? pair.b : pair.a, from: link, bytes: bytes))
                if isA { largestQueueA = max(largestQueueA, heldBytesFromA) }
            case .close(let link):
                node.closedLinks.append(link)
                guard let index = links.firstIndex(where: { isA ? $0.a == link : $0.b == link }) else { continue }
                let pair = links.remove(at: index)
                let other = isA ? b : a
                apply(other.core.linkClosed(isA ? pair.b : pair.a, now: now), at: other)
            case .linkEstablished, .linkRejected, .delivered, .proofAccepted, .storeFailed, .log, .dial, .beacon:
                node.record(action)
            }
        }
    }
}

extension CorePair {
    /// The kinds of the whole frames in `bytes` (a 4-byte length that counts the kind byte, then it).
    static func frameKinds(_ bytes: [UInt8]) -> [UInt8] {
        frames(bytes).compactMap { $0.count > 4 ? $0[4] : nil }
    }

    /// `bytes` without the frames of these kinds.
    static func dropping(_ kinds: Set<UInt8>, from bytes: [UInt8]) -> [UInt8] {
        frames(bytes).filter { $0.count <= 4 || !kinds.contains($0[4]) }.flatMap { $0 }
    }

    /// Splits plain-engine bytes into whole frames (a trailing partial frame is kept as one).
    private static func frames(_ bytes: [UInt8]) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var at = 0
        while at + 5 <= bytes.count {
            let length = bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
            let end = min(bytes.count, at + 4 + length)
            frames.append(Array(bytes[at..<end]))
            at = end
        }
        if at < bytes.count { frames.append(Array(bytes[at...])) }
        return frames
    }
}

extension MessageStore {
    /// The own message with this id (tests send each id once).
    func own(_ id: MessageID) throws -> HeldMessage? {
        try held(id: id).first { $0.kind == .own }
    }
}
