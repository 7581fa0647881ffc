/// A run's messages counted in equal time buckets across the run, for runs with more messages than
/// the charts draw one by one (`HTMLReportLimits.messageMarksMax`). The timeline then shows how many
/// were sent and delivered in each bucket and lane; the latency plot shows, for the messages sent in
/// each bucket, the spread and median of their latency by path. One pass over the messages; the
/// buckets hold counts and the latencies themselves (needed for the percentiles), nothing else.
struct MessageBuckets {
    let bucketCount: Int
    private let spanMs: Double
    /// Messages sent in each bucket, by lane.
    private(set) var sent: [MessageLane: [Int]] = [:]
    /// Messages delivered in each bucket (by delivery time), by lane.
    private(set) var delivered: [MessageLane: [Int]] = [:]
    /// Latencies of the messages sent in each bucket, by lane (undelivered messages have none).
    private(set) var latencies: [MessageLane: [[UInt64]]] = [:]

    init(_ messages: [MessageRecord], scale: TimeScale, bucketCount: Int = HTMLReportLimits.timeBucketCount) {
        self.bucketCount = max(bucketCount, 1)
        spanMs = scale.spanMs
        for lane in MessageLane.allCases {
            sent[lane] = Array(repeating: 0, count: self.bucketCount)
            delivered[lane] = Array(repeating: 0, count: self.bucketCount)
            latencies[lane] = Array(repeating: [], count: self.bucketCount)
        }
        for message in messages {
            let lane = MessageLane(message)
            let sentBucket = bucket(message.sentMs)
            sent[lane]![sentBucket] += 1
            if let deliveredMs = message.deliveredMs, let latency = message.latencyMs {
                delivered[lane]![bucket(deliveredMs)] += 1
                latencies[lane]![sentBucket].append(latency)
            }
        }
    }

    /// The bucket holding `milliseconds` since the start.
    func bucket(_ milliseconds: UInt64) -> Int {
        min(Int(Double(milliseconds) / spanMs * Double(bucketCount)), bucketCount - 1)
    }

    /// Where bucket `index` starts, in milliseconds since the start of the run.
    func startMs(_ index: Int) -> UInt64 {
        UInt64(spanMs * Double(index) / Double(bucketCount))
    }

    /// Where bucket `index` ends (the next one's start).
    func endMs(_ index: Int) -> UInt64 {
        startMs(index + 1)
    }
}
