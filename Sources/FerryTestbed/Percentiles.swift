/// Latency percentiles, nearest-rank: the value at or below which `fraction` of the values lie
/// (p50 of 1…100 is 50, p99 is 99). Nil for no values.
enum LatencyPercentile {
    static func of(_ values: [UInt64], _ fraction: Double) -> UInt64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
