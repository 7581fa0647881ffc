import FerryControl
import FerryWire
import Foundation

/// The figures of scenario 4. Times are on the bench's monotonic clock; "drained" means B's status
/// counts every message in its inbox and A's `outbox_pending` is 0.
struct DrainResult: Codable {
    var name: String
    var messages: Int
    var bodyBytes: Int
    /// One sealed envelope for such a body, from the in-process seal (they all have this size).
    var envelopeBytes: Int
    /// While B was down: sends A accepted (sealed and committed to its outbox) per second.
    var queuedPerSecond: Double
    /// From spawning B until A's status shows the link.
    var startToLinkMs: Double
    /// From the link until drained: the span the rates below are taken over.
    var linkToDrainedMs: Double
    var startToDrainedMs: Double
    var messagesPerSecond: Double
    /// Bytes over link → drained, in MB/s (10^6 bytes per second).
    var bodyMegabytesPerSecond: Double
    var envelopeMegabytesPerSecond: Double
    /// From spawning B until A's outbox and B's are both seen empty (every proof is in at A). CPU
    /// and peak RSS cover this span, as in scenarios 1–3, so they include every proof.
    var startToQuietMs: Double
    var nodeA: ProcessUsage
    var nodeB: ProcessUsage
}

/// Scenario 4: `count` messages queued at A while B is not running, delivered when B starts.
///
/// A runs alone, with no `--peer`, and accepts every send into its outbox. Then B starts with A as
/// its pinned `--peer`, so B dials at once. Had A been the dialler, it would have been waiting out
/// a redial backoff of up to 15 s ± 50 % when B came up, and the figure would measure the backoff.
/// The rates are taken from the link coming up, so they exclude B's process start; the time from
/// B's start is reported beside them.
struct QueuedDrain {
    let pair: NodePair
    let count: Int
    let envelopeBytes: Int

    /// The largest body `send` takes: 65,536 bytes of UTF-8 text.
    static let bodyBytes = WireLimits.messageBodyBytesMax
    /// Bound on the whole scenario, queueing included; generous, so only a stuck node trips it.
    static let scenarioSeconds: Double = 600
    /// Status polls: every 5 ms for the link (it takes about 100 ms), every 20 ms for the drain (it
    /// takes seconds). One status cost B about 0.22 ms of CPU with 1000 messages in its inbox
    /// (measured: three COUNT queries and the JSON), so polling takes at most ~1 % of its core.
    /// During the drain only B is polled; A is asked once B's inbox is complete.
    static let linkPollMilliseconds = 5
    static let drainPollMilliseconds = 20
    /// The 64 KiB crypto bound holds every draft and envelope at once (~135 KB each); 200 keep
    /// that under 30 MB and still average over enough operations.
    static let cryptoIterationsMax = 200
    /// Differs from the seed of scenarios 1–3, so adding this scenario changes none of their bytes.
    static let payloadSeed = Payload.seed ^ 0x0004_0000

    func run() throws -> DrainResult {
        let deadline = Deadline(seconds: Self.scenarioSeconds, what: "scenario 4 (queued, delivered on reconnect)")
        try pair.prepare()
        try pair.start(pair.a, extra: [])
        let portA = try pair.a.listenPort(deadline)
        let queueSeconds = try Scenarios.queue(
            try pair.a.client(), count: count, bodyBytes: Self.bodyBytes, seed: Self.payloadSeed, deadline)
        let queued = try pair.a.status()
        guard queued.outboxPending == count, queued.links == 0 else {
            throw BenchError.node("A holds \(queued.outboxPending) pending with \(queued.links) links; expected \(count) and none")
        }

        let meterA = try UsageMeter(pid: pair.a.pid)
        let start = MonotonicClock.nanoseconds()
        try pair.start(pair.b, extra: ["--peer", "\(pair.a.address)@127.0.0.1:\(portA)"])
        let meterB = UsageMeter(newProcess: pair.b.pid)
        _ = try pair.a.waitForStatus(deadline, pollMilliseconds: Self.linkPollMilliseconds) { $0.links >= 1 }
        let linked = MonotonicClock.nanoseconds()
        // B's inbox count, not the inbox follower of scenarios 1–3: B's inbox holds only these
        // messages, and streaming 64 MB of inbox lines would add JSON work to B's CPU that is no
        // part of delivery. The follower also does not survive it: B lists up to 64 rows per step
        // and checks the client's room only between steps, so 64 lines of 64 KiB overrun the
        // control stream's 4 MiB write bound and B closes the connection.
        _ = try pair.b.waitForStatus(deadline, pollMilliseconds: Self.drainPollMilliseconds) { $0.inbox >= count }
        let delivered = try pair.a.waitForStatus(deadline, pollMilliseconds: Self.drainPollMilliseconds) { $0.outboxPending == 0 }
        let drained = MonotonicClock.nanoseconds()
        _ = try pair.b.waitForStatus(deadline, pollMilliseconds: Self.drainPollMilliseconds) { $0.outboxPending == 0 }
        let quiet = MonotonicClock.nanoseconds()
        let usageA = try meterA.finish(), usageB = try meterB.finish()
        guard delivered.outboxDelivered == count else {
            throw BenchError.node("A reports \(delivered.outboxDelivered) delivered of \(count) sent")
        }

        let drainSeconds = Double(drained - linked) / 1e9
        return DrainResult(
            name: "4 queued, delivered on reconnect", messages: count, bodyBytes: Self.bodyBytes,
            envelopeBytes: envelopeBytes, queuedPerSecond: Double(count) / queueSeconds,
            startToLinkMs: Double(linked - start) / 1e6, linkToDrainedMs: drainSeconds * 1000,
            startToDrainedMs: Double(drained - start) / 1e6, messagesPerSecond: Double(count) / drainSeconds,
            bodyMegabytesPerSecond: Double(count * Self.bodyBytes) / 1e6 / drainSeconds,
            envelopeMegabytesPerSecond: Double(count * envelopeBytes) / 1e6 / drainSeconds,
            startToQuietMs: Double(quiet - start) / 1e6, nodeA: usageA, nodeB: usageB)
    }
}
