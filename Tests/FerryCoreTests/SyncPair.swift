import FerryCore
import FerryWire

/// Two reconcilers talking through encoded bytes, as over a link, with the cost of the talk.
struct SyncPair {
    /// What one sync settled and cost.
    struct Outcome {
        /// What each side learnt, in order and with any repeats.
        var haveA: [MessageID] = []
        var needA: [MessageID] = []
        var haveB: [MessageID] = []
        var needB: [MessageID] = []
        /// Messages sent, both ways (the initiator's first included).
        var messages = 0
        /// Encoded bytes sent, both ways.
        var bytes = 0
        /// The largest single message.
        var largestMessageBytes = 0
        var a: Reconciler
        var b: Reconciler
    }

    /// Runs a sync from `a` (initiator) to `b` until one side has nothing to send.
    static func run(_ a: SyncItems, _ b: SyncItems, limits: ReconcilerLimits = ReconcilerLimits()) throws -> Outcome {
        var outcome = Outcome(a: Reconciler(items: a, limits: limits), b: Reconciler(items: b, limits: limits))
        var bytes = outcome.a.initiate().encoded()
        var toB = true
        while true {
            outcome.messages += 1
            outcome.bytes += bytes.count
            outcome.largestMessageBytes = max(outcome.largestMessageBytes, bytes.count)
            let step = toB ? try outcome.b.respond(toEncoded: bytes) : try outcome.a.respond(toEncoded: bytes)
            if toB {
                outcome.haveB += step.have
                outcome.needB += step.need
            } else {
                outcome.haveA += step.have
                outcome.needA += step.need
            }
            guard let reply = step.reply else { break }
            bytes = reply.encoded()
            toB.toggle()
        }
        return outcome
    }
}

extension SyncPair.Outcome {
    /// Whether both sides learnt exactly what differs: `onlyA` is A's have and B's need, `onlyB`
    /// the reverse, with no id missing or extra (repeats allowed, see `Reconciler`).
    func isExact(onlyA: [SyncItem], onlyB: [SyncItem]) -> Bool {
        let a = Set(onlyA.map(\.id)), b = Set(onlyB.map(\.id))
        return Set(haveA) == a && Set(needB) == a && Set(needA) == b && Set(haveB) == b
    }

    /// Ids reported more than once by either side.
    var repeats: Int {
        [haveA, needA, haveB, needB].map { $0.count - Set($0).count }.reduce(0, +)
    }

    var summary: String {
        "\(bytes) bytes in \(messages) messages (largest \(largestMessageBytes)); " +
            "A has \(Set(haveA).count), needs \(Set(needA).count); B has \(Set(haveB).count), needs \(Set(needB).count)"
    }
}

/// Deterministic sets for sync tests: random ids and times within a week, from a seed.
struct SyncSets {
    let random: SplitMixRandom
    /// 2023-11-14T22:13:20Z, as in the wire fixtures.
    static let start: UInt64 = 1_700_000_000_000
    static let weekMilliseconds: UInt64 = 7 * 24 * 3600 * 1000

    init(seed: UInt64) { random = SplitMixRandom(seed: seed) }

    func item() -> SyncItem {
        SyncItem(
            created: Timestamp(milliseconds: Self.start + random.next() % Self.weekMilliseconds),
            id: try! MessageID(bytes: random.bytes(MessageID.byteCount)))
    }

    func items(_ count: Int) -> [SyncItem] { (0..<count).map { _ in item() } }

    /// Two sets sharing `common` items, each with its own `onlyA` and `onlyB` more.
    func pair(
        common: Int, onlyA: Int, onlyB: Int
    ) -> (a: SyncItems, b: SyncItems, onlyA: [SyncItem], onlyB: [SyncItem]) {
        let shared = items(common)
        let extraA = items(onlyA)
        let extraB = items(onlyB)
        return (SyncItems(shared + extraA), SyncItems(shared + extraB), extraA, extraB)
    }
}
