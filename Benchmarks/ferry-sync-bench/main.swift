import FerrySyncMeasure
import Foundation

// ferry-sync-bench: set reconciliation between two in-memory sets, in process. For each size of
// difference it prints bytes, messages and time of a whole sync (every message encoded and decoded,
// as over a link), the best of a few runs. See docs/BENCHMARKS.md. ferry-bench's scenario 8 runs
// the same measurement (FerrySyncMeasure) for a few of these differences.
//
// usage: ferry-sync-bench [ITEMS] [--summary]
//   --summary prints one line per difference, figure<TAB>value<TAB>against, for scripts/bench-all.sh:
//   the bytes compared with naming each differing id once (d × 16 B, the least any exchange can send)
//   and with one side listing its whole set (items × 24 B), the sync time with building one side's
//   SyncItems, all measured in the same run.

var arguments = Array(CommandLine.arguments.dropFirst())
let summary = arguments.contains("--summary")
arguments.removeAll { $0 == "--summary" }
guard arguments.count <= 1, let setSize = arguments.first.map({ Int($0) }) ?? 100_000, setSize >= 1, setSize <= 1_000_000 else {
    FileHandle.standardError.write(Data("usage: ferry-sync-bench [ITEMS (1 to 1000000, default 100000)] [--summary]\n".utf8))
    exit(2)
}
let runs = 5
/// A message id, named once per differing item: the least any exchange can send.
let idBytes = 16
/// Created time (8) and id (16): one item of a full listing.
let itemBytes = 24

if !summary {
    print("ferry-sync-bench: \(setSize) items a side, best of \(runs) runs")
    print("| difference | bytes | messages | sync ms | build SyncItems ms |")
    print("| ---: | ---: | ---: | ---: | ---: |")
}
for difference in (summary ? [10, 100, 1000, 10_000] : [0, 1, 10, 100, 1000, 10_000]) where difference <= setSize {
    let m = try SyncMeasure.measure(items: setSize, difference: difference, runs: runs)
    // One decimal, truncated, as this tool has always printed.
    func tenths(_ ms: Double) -> String { "\(Int(ms * 10) / 10).\(Int(ms * 10) % 10)" }
    if summary {
        let figure = "reconciliation: \(setSize) vs \(setSize) items differing by \(difference) (in process, best of \(runs))"
        let value = "\(m.bytes) B in \(m.messages) messages, \(tenths(m.syncMilliseconds)) ms"
        let perId = Double(m.bytes) / Double(difference * idBytes)
        let ofListing = Double(m.bytes) / Double(setSize * itemBytes) * 100
        let against = String(
            format: "%.1f× naming each differing id, d × %d B; %.2f %% of one full listing; sync %.2f× building one side's SyncItems, %.1f ms",
            perId, idBytes, ofListing, m.syncMilliseconds / m.buildMilliseconds, m.buildMilliseconds)
        print([figure, value, against].joined(separator: "\t"))
    } else {
        print("| \(difference) | \(m.bytes) | \(m.messages) | \(tenths(m.syncMilliseconds)) | \(tenths(m.buildMilliseconds)) |")
    }
}
