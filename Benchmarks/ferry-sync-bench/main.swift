import FerrySyncMeasure

// ferry-sync-bench: set reconciliation between two in-memory sets, in process. For each size of
// difference it prints bytes, messages and time of a whole sync (every message encoded and decoded,
// as over a link), the best of a few runs. See docs/BENCHMARKS.md. ferry-bench's scenario 8 runs
// the same measurement (FerrySyncMeasure) for a few of these differences.

let setSize = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 100_000 : 100_000
let runs = 5
print("ferry-sync-bench: \(setSize) items a side, best of \(runs) runs")
print("| difference | bytes | messages | sync ms | build SyncItems ms |")
print("| ---: | ---: | ---: | ---: | ---: |")
for difference in [0, 1, 10, 100, 1000, 10_000] where difference <= setSize {
    let m = try SyncMeasure.measure(items: setSize, difference: difference, runs: runs)
    // One decimal, truncated, as this tool has always printed.
    func tenths(_ ms: Double) -> String { "\(Int(ms * 10) / 10).\(Int(ms * 10) % 10)" }
    print("| \(difference) | \(m.bytes) | \(m.messages) | \(tenths(m.syncMilliseconds)) | \(tenths(m.buildMilliseconds)) |")
}
