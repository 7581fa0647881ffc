/// The figures of a run the HTML report's summary shows, computed once from its messages: delivered
/// of sent, duplicates, and latency percentiles for each path.
struct ReportSummary {
    /// Latency of the messages delivered by one path.
    struct PathLatency {
        /// The path as the inbox reported it ("direct", "coordinator", "mesh", or whatever else).
        var path: String
        var delivered: Int
        var p50Ms: UInt64
        var p99Ms: UInt64
        var maxMs: UInt64
    }

    var sent: Int
    var delivered: Int
    /// Copies shown beyond the first, over all messages.
    var duplicateCopies: Int
    /// Messages shown more than once.
    var duplicatedMessages: Int
    /// One row per path seen, the known paths first in the order of `MessageLane`, then the others
    /// by name; the last row is every delivered message together, when more than one path was seen.
    var latencyByPath: [PathLatency]

    init(_ messages: [MessageRecord]) {
        sent = messages.count
        var latencies: [String: [UInt64]] = [:]
        var delivered = 0, copies = 0, duplicated = 0
        for message in messages {
            copies += max(message.duplicates, 0)
            if message.duplicates > 0 { duplicated += 1 }
            guard let latency = message.latencyMs else { continue }
            delivered += 1
            latencies[message.path ?? "unknown", default: []].append(latency)
        }
        self.delivered = delivered
        duplicateCopies = copies
        duplicatedMessages = duplicated
        var rows = latencies.keys.sorted(by: Self.pathOrder).map { Self.row($0, latencies[$0] ?? []) }
        if rows.count > 1 {
            rows.append(Self.row("all", latencies.values.flatMap { $0 }))
        }
        latencyByPath = rows
    }

    /// Nearest-rank percentile of sorted values (`fraction` in 0...1); 0 for none.
    static func percentile(_ sorted: [UInt64], _ fraction: Double) -> UInt64 {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank - 1, 0), sorted.count - 1)]
    }

    private static func row(_ path: String, _ values: [UInt64]) -> PathLatency {
        let sorted = values.sorted()
        return PathLatency(
            path: path, delivered: sorted.count, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99),
            maxMs: sorted.last ?? 0)
    }

    private static func pathOrder(_ lhs: String, _ rhs: String) -> Bool {
        let known = ["direct", "coordinator", "mesh"]
        switch (known.firstIndex(of: lhs), known.firstIndex(of: rhs)) {
        case let (left?, right?): return left < right
        case (.some, .none): return true
        case (.none, .some): return false
        case (.none, .none): return lhs < rhs
        }
    }
}
