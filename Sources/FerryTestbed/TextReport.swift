/// The report for people (docs/TESTBED.md §Reports): messages (each one when there are few, per
/// sender, recipient and path when there are many), the summary, latency by path, recovery after
/// each fault, the processes, and every expectation with ✓ or ✗ and its detail.
public enum TextReport {
    /// Up to this many messages are listed one by one.
    static let messagesListedMax = 20

    public static func render(_ report: RunReport) -> String {
        var lines: [String] = []
        lines.append("Scenario \(report.scenario): seed \(report.seed), \(report.hosts), \(TextFormat.duration(report.durationMs)), started \(report.startedAt)")
        for note in report.hostsNotes ?? [] { lines.append("Hosts: \(note)") }
        lines.append("")
        lines += messageLines(report.messages)
        lines.append("")
        lines += summaryLines(report.messages)
        if !report.faults.isEmpty {
            lines.append("")
            lines.append("Faults and recovery (first delivery of a message sent at or after the fault):")
            lines += TextFormat.table(report.faults.map { fault in
                [TextFormat.moment(fault.atMs), fault.description, fault.recoveryMs.map { "recovered in \(TextFormat.duration($0))" } ?? "no delivery after it"]
            })
        }
        lines.append("")
        lines.append("Processes:")
        lines += TextFormat.table([["name", "role", "peak RSS", "held at end"]] + report.nodes.map { node in
            [node.name, node.role, node.peakRssKiB.map(TextFormat.mebibytes) ?? "–", node.storedMessages.map(String.init) ?? "– (down)"]
        })
        lines.append("")
        lines.append("Expectations:")
        if report.expectations.isEmpty { lines.append("  (none)") }
        for result in report.expectations {
            lines.append("  \(result.held ? "✓" : "✗") \(result.description): \(result.detail)")
        }
        lines.append("")
        let failed = report.expectations.filter { !$0.held }.count
        lines.append(report.passed ? "PASSED: every expectation held" : "FAILED: \(failed) of \(report.expectations.count) expectations did not hold")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Each message, or groups by sender, recipient and path when there are many.
    static func messageLines(_ messages: [MessageRecord]) -> [String] {
        if messages.isEmpty { return ["Messages: none sent"] }
        if messages.count <= messagesListedMax {
            return ["Messages:"] + TextFormat.table([["id", "from → to", "sent", "path", "hops", "latency"]] + messages.map { message in
                [
                    String(message.id.prefix(8)), "\(message.from) → \(message.to)", TextFormat.moment(message.sentMs),
                    message.path ?? "NOT DELIVERED", message.hops.map(String.init) ?? "–",
                    message.latencyMs.map(TextFormat.duration) ?? "–",
                ] + (message.duplicates > 0 ? ["×\(message.duplicates + 1)"] : [])
            })
        }
        let groups = Dictionary(grouping: messages) { GroupKey(from: $0.from, to: $0.to, path: $0.path ?? "NOT DELIVERED") }
        let rows = groups.keys.sorted().map { key -> [String] in
            let group = groups[key] ?? []
            let latencies = group.compactMap(\.latencyMs)
            let hops = group.compactMap(\.hops)
            return [
                "\(key.from) → \(key.to)", key.path, String(group.count),
                hops.isEmpty ? "–" : hopsRange(hops),
                LatencyPercentile.of(latencies, 0.5).map(TextFormat.duration) ?? "–",
                LatencyPercentile.of(latencies, 0.99).map(TextFormat.duration) ?? "–",
            ]
        }
        return ["Messages (\(messages.count), by sender, recipient and path):"]
            + TextFormat.table([["from → to", "path", "count", "hops", "p50", "p99"]] + rows)
    }

    /// Delivered/sent, duplicates, latency p50/p99 by path.
    static func summaryLines(_ messages: [MessageRecord]) -> [String] {
        let delivered = messages.filter { $0.deliveredMs != nil }
        let duplicates = messages.reduce(0) { $0 + $1.duplicates }
        var lines = ["Summary: delivered \(delivered.count)/\(messages.count), duplicates \(duplicates)"]
        let byPath = Dictionary(grouping: delivered) { $0.path ?? "?" }
        guard !byPath.isEmpty else { return lines }
        lines.append("Latency by path:")
        lines += TextFormat.table([["path", "count", "p50", "p99", "max"]] + byPath.keys.sorted(by: pathOrder).map { path in
            let latencies = (byPath[path] ?? []).compactMap(\.latencyMs)
            return [
                path, String(latencies.count), LatencyPercentile.of(latencies, 0.5).map(TextFormat.duration) ?? "–",
                LatencyPercentile.of(latencies, 0.99).map(TextFormat.duration) ?? "–",
                latencies.max().map(TextFormat.duration) ?? "–",
            ]
        })
        return lines
    }

    private static func hopsRange(_ hops: [Int]) -> String {
        let low = hops.min() ?? 0
        let high = hops.max() ?? 0
        return low == high ? String(low) : "\(low)–\(high)"
    }

    /// direct, coordinator, mesh, then anything else by name.
    private static func pathOrder(_ lhs: String, _ rhs: String) -> Bool {
        let order = ["direct", "coordinator", "mesh"]
        let left = order.firstIndex(of: lhs) ?? order.count
        let right = order.firstIndex(of: rhs) ?? order.count
        return left != right ? left < right : lhs < rhs
    }

    private struct GroupKey: Hashable, Comparable {
        let from: String
        let to: String
        let path: String

        static func < (lhs: GroupKey, rhs: GroupKey) -> Bool { (lhs.from, lhs.to, lhs.path) < (rhs.from, rhs.to, rhs.path) }
    }
}
