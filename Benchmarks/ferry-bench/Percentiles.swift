/// Latency figures of one series, in milliseconds.
struct LatencySummary: Codable {
    var count: Int
    var p50Ms: Double
    var p90Ms: Double
    var p99Ms: Double
    var maxMs: Double

    /// Nearest-rank percentiles of `nanoseconds` (empty input gives zeros).
    init(nanoseconds: [UInt64]) {
        let sorted = nanoseconds.sorted()
        count = sorted.count
        func rank(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
            return Double(sorted[index]) / 1e6
        }
        p50Ms = rank(50)
        p90Ms = rank(90)
        p99Ms = rank(99)
        maxMs = sorted.last.map { Double($0) / 1e6 } ?? 0
    }
}
