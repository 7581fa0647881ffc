import FerryCore
import FerryWire

// One whole set reconciliation between two `Reconciler`s in process, every message encoded and
// decoded as over a link. Shared by ferry-sync-bench and ferry-bench's scenario 8, so both time
// the same code path. See docs/BENCHMARKS.md.

/// What one size of difference cost: the best of `runs` whole syncs.
public struct SyncMeasurement: Codable, Sendable {
    public var items: Int
    public var difference: Int
    /// Reconciliation messages in both directions and their encoded bytes.
    public var messages: Int
    public var bytes: Int
    public var syncMilliseconds: Double
    /// `SyncItems.init` (sort and prefix sums) for one side.
    public var buildMilliseconds: Double
}

public enum SyncMeasure {
    /// Two sides of `items` items each (random ids, times spread over a week, from a seed per
    /// difference) that differ by `difference` items, half only on each side.
    public static func measure(items: Int, difference: Int, runs: Int) throws -> SyncMeasurement {
        precondition(difference <= items, "the difference fits in the sets")
        let random = SplitMixRandom(seed: UInt64(difference) + 1)
        let shared = makeItems(items - difference / 2, random)
        let onlyA = makeItems(difference / 2, random), onlyB = makeItems(difference - difference / 2, random)
        let clock = ContinuousClock()
        var buildBest = Duration.seconds(1000), syncBest = Duration.seconds(1000)
        var result = Tally()
        for _ in 0..<runs {
            var a = SyncItems()
            buildBest = min(buildBest, clock.measure { a = SyncItems(shared + onlyA) })
            let b = SyncItems(shared + onlyB)
            syncBest = min(syncBest, try clock.measure { result = try sync(a, b) })
        }
        // Both sides learn every differing id: each of the `difference` ids is settled twice.
        precondition(result.settled >= 2 * difference, "sync missed differences")
        return SyncMeasurement(
            items: items, difference: difference, messages: result.messages, bytes: result.bytes,
            syncMilliseconds: milliseconds(syncBest), buildMilliseconds: milliseconds(buildBest))
    }

    /// Items from a seed: random ids, times spread over a week.
    static func makeItems(_ count: Int, _ random: SplitMixRandom) -> [SyncItem] {
        (0..<count).map { _ in
            SyncItem(
                created: Timestamp(milliseconds: 1_700_000_000_000 + random.next() % 604_800_000),
                id: try! MessageID(bytes: random.bytes(MessageID.byteCount)))
        }
    }

    struct Tally {
        var bytes = 0
        var messages = 0
        var settled = 0
    }

    /// One whole sync from `a` to `b`; both ends' messages are counted.
    static func sync(_ a: SyncItems, _ b: SyncItems) throws -> Tally {
        var initiator = Reconciler(items: a), responder = Reconciler(items: b)
        var bytes = initiator.initiate().encoded()
        var result = Tally()
        var toResponder = true
        while true {
            result.messages += 1
            result.bytes += bytes.count
            let step = toResponder ? try responder.respond(toEncoded: bytes) : try initiator.respond(toEncoded: bytes)
            result.settled += step.have.count + step.need.count
            guard let reply = step.reply else { break }
            bytes = reply.encoded()
            toResponder.toggle()
        }
        return result
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
