import FerryCore
import FerryWire

// ferry-sync-bench: set reconciliation between two in-memory sets, in process. For each size of
// difference it prints bytes, messages and time of a whole sync (every message encoded and decoded,
// as over a link), the best of a few runs. See docs/BENCHMARKS.md.

/// Items from a seed: random ids, times spread over a week.
func makeItems(_ count: Int, _ random: SplitMixRandom) -> [SyncItem] {
    (0..<count).map { _ in
        SyncItem(
            created: Timestamp(milliseconds: 1_700_000_000_000 + random.next() % 604_800_000),
            id: try! MessageID(bytes: random.bytes(MessageID.byteCount)))
    }
}

struct Result {
    var bytes = 0
    var messages = 0
    var settled = 0
}

/// One whole sync from `a` to `b`; both ends' results are counted.
func sync(_ a: SyncItems, _ b: SyncItems) throws -> Result {
    var initiator = Reconciler(items: a), responder = Reconciler(items: b)
    var bytes = initiator.initiate().encoded()
    var result = Result()
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

/// `duration` in milliseconds with one decimal.
func milliseconds(_ duration: Duration) -> String {
    let tenths = duration.components.seconds * 10_000 + duration.components.attoseconds / 100_000_000_000_000
    return "\(tenths / 10).\(tenths % 10)"
}

let setSize = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 100_000 : 100_000
let runs = 5
let clock = ContinuousClock()
print("ferry-sync-bench: \(setSize) items a side, best of \(runs) runs")
print("| difference | bytes | messages | sync ms | build SyncItems ms |")
print("| ---: | ---: | ---: | ---: | ---: |")
for difference in [0, 1, 10, 100, 1000, 10_000] {
    let random = SplitMixRandom(seed: UInt64(difference) + 1)
    let shared = makeItems(setSize - difference / 2, random)
    let onlyA = makeItems(difference / 2, random), onlyB = makeItems(difference - difference / 2, random)
    var buildBest = Duration.seconds(1000), syncBest = Duration.seconds(1000)
    var result = Result()
    for _ in 0..<runs {
        var a = SyncItems(), b = SyncItems()
        buildBest = min(buildBest, clock.measure { a = SyncItems(shared + onlyA) })
        b = SyncItems(shared + onlyB)
        syncBest = min(syncBest, try clock.measure { result = try sync(a, b) })
    }
    // Both sides learn every differing id: each of the `difference` ids is settled twice.
    precondition(result.settled >= 2 * difference, "sync missed differences")
    let times = "\(milliseconds(syncBest)) | \(milliseconds(buildBest))"
    print("| \(difference) | \(result.bytes) | \(result.messages) | \(times) |")
}
