import FerryControl
import Foundation

/// The figures of scenario 7. Times are on the bench's monotonic clock, from the A–R link coming up.
struct IntakeResult: Codable {
    var name: String
    var messages: Int
    var bodyBytes: Int
    /// One sealed envelope for such a body (every relay copy has this size).
    var envelopeBytes: Int
    /// While R was down: sends A accepted (sealed and committed to its outbox) per second.
    var queuedPerSecond: Double
    /// R's status first counting a relay copy, and counting all of them (polled every 10 ms).
    var linkToFirstHeldMs: Double
    var linkToAllHeldMs: Double
    /// A's link to R showing nothing in flight once R holds them all: every hop ack is in at A.
    var linkToAllAckedMs: Double
    /// Copies taken over first held → all held, counted from R's status, so the span is exact to
    /// within one poll at either end.
    var messagesPerSecond: Double
    var envelopeMegabytesPerSecond: Double
    /// Longest time between two of R's status answers while it took copies (polled every 10 ms): R
    /// answers between the batches it reads and commits, so this is about its longest batch.
    var longestPollGapMs: Double
    /// The same rate over each quarter of the copies, in order (quarter ends interpolated between
    /// polls): a rate that falls as R's custody grows shows a cost per copy that grows with what is held.
    var quarterMessagesPerSecond: [Double]
    /// From the link until every hop ack is in at A.
    var nodeA: NodeUsage
    var relay: NodeUsage
    /// R's CPU over that span as a share of one core, in %.
    var relayCorePercent: Double
}

/// Scenario 7: a relay taking custody as fast as it can, with nowhere to pass it on.
///
/// A runs alone and accepts `count` sends to B, who never runs. Then R starts with A as its pinned
/// `--peer` (so R dials at once and no one waits out a redial backoff). On the link, R's set
/// reconciliation shows A that R lacks every message, and A sprays each: it hands half its 8 copies
/// to R, so each message is one relay copy at R, stored durably before R answers with a hop ack.
/// B is offline, so R keeps them all. The rate is R's intake: TLS and framing in, quota checks and
/// the SQLite commit, the hop ack out. A's side (reading its outbox rows, writing their copy counts)
/// is metered beside it.
struct RelayIntake {
    let chain: NodeChain
    let count: Int
    let envelopeBytes: Int

    static let bodyBytes = 256
    static let scenarioSeconds: Double = 600
    /// R's status every 10 ms: one costs R a few COUNT queries, well under 1 ms, so polling takes a
    /// few % of its core at most. A is asked only once R holds everything.
    static let heldPollMilliseconds = 10
    static let payloadSeed = Payload.seed ^ 0x0007_0000

    func run() throws -> IntakeResult {
        let deadline = Deadline(seconds: Self.scenarioSeconds, what: "scenario 7 (relay intake)")
        let a = chain.a, relay = chain.relays[0]
        try chain.prepare()
        try a.start(ferry: chain.ferry, extra: [])
        let seedA = try a.seed(deadline)
        let queueSeconds = try Scenarios.queue(try a.client(), count: count, bodyBytes: Self.bodyBytes, seed: Self.payloadSeed, deadline)
        let queued = try a.status()
        guard queued.outboxPending == count, queued.links == 0 else {
            throw BenchError.node("A holds \(queued.outboxPending) pending with \(queued.links) links; expected \(count) and none")
        }

        try relay.start(ferry: chain.ferry, extra: seedA)
        _ = try a.waitForStatus(deadline, pollMilliseconds: 5) { $0.links >= 1 }
        let linked = MonotonicClock.nanoseconds()
        let meterA = try UsageMeter(pid: a.pid), meterR = try UsageMeter(pid: relay.pid)
        let samples = try heldSamples(relay, deadline)
        try waitForHopAcks(a, deadline)
        let acked = MonotonicClock.nanoseconds()
        let usageA = try meterA.finish(), usageR = try meterR.finish()
        try checkCustody(relay)
        return summarize(
            samples: samples, linked: linked, acked: acked, queueSeconds: queueSeconds,
            nodeA: NodeUsage(node: "A", cpuMs: usageA.cpuMs, peakRssKibibytes: usageA.peakRssKibibytes),
            relay: NodeUsage(node: "R", cpuMs: usageR.cpuMs, peakRssKibibytes: usageR.peakRssKibibytes))
    }

    /// R's relay count over time, (stamp, copies), until it holds every message.
    private func heldSamples(_ relay: BenchNode, _ deadline: Deadline) throws -> [(UInt64, Int)] {
        var samples: [(UInt64, Int)] = []
        while true {
            if let process = relay.process, process.poll() { throw BenchError.node("R exited early; see \(relay.dataDir)/node.log") }
            let held = try relay.status().relay
            let now = MonotonicClock.nanoseconds()
            if held > 0 { samples.append((now, held)) }
            if held >= count { return samples }
            try deadline.check()
            MonotonicClock.pause(milliseconds: Self.heldPollMilliseconds)
        }
    }

    /// Hop acks reach A after R's commit; once R holds everything, A's link to R has nothing
    /// unanswered only when every ack is in.
    private func waitForHopAcks(_ a: BenchNode, _ deadline: Deadline) throws {
        while true {
            let reply = try a.client().call(ControlRequest(op: "peers"), timeoutMilliseconds: 10_000)
            guard reply.ok, let peers = reply.peers else { throw BenchError.node("A: peers failed: \(reply.error ?? "?")") }
            let links = peers.filter { $0.established }
            if links.count == 1, links[0].inflight == 0 { return }
            try deadline.check()
            MonotonicClock.pause(milliseconds: Self.heldPollMilliseconds)
        }
    }

    /// R holds exactly one copy per message, none was evicted or refused for quota.
    private func checkCustody(_ relay: BenchNode) throws {
        let status = try relay.status()
        guard status.relay == count, (status.evicted ?? 0) == 0 else {
            throw BenchError.node("R holds \(status.relay) relay copies (\(status.evicted ?? 0) evicted); expected \(count)")
        }
    }

    private func summarize(
        samples: [(UInt64, Int)], linked: UInt64, acked: UInt64, queueSeconds: Double, nodeA: NodeUsage, relay: NodeUsage
    ) -> IntakeResult {
        let first = samples[0], last = samples[samples.count - 1]
        let seconds = Double(last.0 - first.0) / 1e9
        let rate = seconds > 0 ? Double(last.1 - first.1) / seconds : 0
        let spanMs = Double(acked - linked) / 1e6
        return IntakeResult(
            name: "7 relay intake, custody persisted", messages: count, bodyBytes: Self.bodyBytes,
            envelopeBytes: envelopeBytes, queuedPerSecond: Double(count) / queueSeconds,
            linkToFirstHeldMs: Double(first.0 - linked) / 1e6, linkToAllHeldMs: Double(last.0 - linked) / 1e6,
            linkToAllAckedMs: spanMs, messagesPerSecond: rate,
            envelopeMegabytesPerSecond: rate * Double(envelopeBytes) / 1e6,
            longestPollGapMs: zip(samples, samples.dropFirst()).map { Double($1.0 - $0.0) / 1e6 }.max() ?? 0,
            quarterMessagesPerSecond: Self.quarterRates(samples, count: count), nodeA: nodeA, relay: relay,
            relayCorePercent: spanMs > 0 ? relay.cpuMs / spanMs * 100 : 0)
    }

    /// Copies per second over each quarter of the copies taken after the first sample. R answers a
    /// status between batches, so one poll may jump past a quarter's end; that moment is then
    /// interpolated between the two polls around it, as if the batch had gone at an even rate.
    static func quarterRates(_ samples: [(UInt64, Int)], count: Int) -> [Double] {
        let first = samples[0]
        let span = Double(count - first.1)
        let marks = (0...4).map { quarter in moment(samples, copies: Double(first.1) + span * Double(quarter) / 4) }
        return zip(marks, marks.dropFirst()).map { from, to in to > from ? span / 4 / ((to - from) / 1e9) : 0 }
    }

    /// When R's count reached `copies`, in ns, interpolated between the samples around it.
    static func moment(_ samples: [(UInt64, Int)], copies: Double) -> Double {
        guard let after = samples.firstIndex(where: { Double($0.1) >= copies }) else { return Double(samples[samples.count - 1].0) }
        guard after > 0 else { return Double(samples[0].0) }
        let (t0, c0) = samples[after - 1], (t1, c1) = samples[after]
        return Double(t0) + (copies - Double(c0)) / Double(c1 - c0) * Double(t1 - t0)
    }
}
