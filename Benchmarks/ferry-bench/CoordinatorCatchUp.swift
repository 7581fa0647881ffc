import FerryControl
import Foundation

/// The figures of scenario 11. Times are on the bench's monotonic clock, from C's restart (spawn).
struct CatchUpResult: Codable {
    var name: String
    var messages: Int
    var bodyBytes: Int
    /// While C was down: sends A accepted per second.
    var queuedPerSecond: Double
    /// From C's stop (SIGTERM) to its restart.
    var downMs: Double
    /// When C restarted, how long until A's and B's next dial to C was due (their `peers` listing
    /// of the coordinator endpoint, taken just before the restart); 0 if it was dialling already.
    var retryDueAtRestartMs: [String: Double]
    /// C's control socket first answering, A and B showing C up (each polled every 5 ms).
    var startToCoordinatorAnswersMs: Double
    var startToLinkedMs: [String: Double]
    /// The first and the last of the messages arriving in B's inbox.
    var startToFirstMs: Double
    var startToAllMs: Double
    /// From the later of the two links to the last arrival: the part the dials do not decide.
    var lastLinkToAllMs: Double
    var messagesPerSecond: Double
    /// The longest wait between two arrivals in B's inbox: a stall shows here.
    var longestGapMs: Double
    var paths: [String: Int]
    /// A, C and B from C's restart until the last arrival (C's start-up included).
    var nodes: [NodeUsage]
}

/// Scenario 11: A queues messages for B while C is down and A and B have no mesh path; C restarts.
///
/// C, A and B as in scenario 9. C is stopped (SIGTERM) and both nodes see it down; A then accepts
/// every send into its outbox: there is no link for them. C restarts on the same port with the same
/// data directory. A and B dial it again when their backoff says (250 ms doubling to 15 s, ±50 %;
/// shortened to the start after a link that had been up), A hands C what it holds for B, and C
/// passes it to B as soon as both links are up. B's inbox is followed throughout.
struct CoordinatorCatchUp {
    let group: CoordinatorGroup
    let recorder: InboxRecorder
    let count: Int

    static let bodyBytes = 256
    static let pollMilliseconds = 5
    static let payloadSeed = Payload.seed ^ 0x000B_0000

    func run() throws -> CatchUpResult {
        let deadline = Deadline(seconds: 300, what: "scenario 11 (catch-up after C restarts)")
        let stopped = MonotonicClock.nanoseconds()
        group.coordinator.process?.stop()
        for node in group.nodes { _ = try node.waitForStatus(deadline, CoordinatorGroup.coordinatorDown) }
        var random = SeededRandom(seed: Self.payloadSeed)
        let texts = Payload.texts(count: count, byteCount: Self.bodyBytes, random: &random)
        let queueStart = MonotonicClock.nanoseconds()
        let sent = try Scenarios.sustained(try group.a.client(), texts, deadline).sendStamps
        let queueSeconds = Double(MonotonicClock.nanoseconds() - queueStart) / 1e9
        let queued = try group.a.status()
        guard queued.outboxPending == count, recorder.deliveries(of: Array(sent.keys)).isEmpty else {
            throw BenchError.node("A holds \(queued.outboxPending) pending of \(count), and B has some already: there is a path besides C")
        }
        let retries = try group.nodes.reduce(into: [String: Double]()) { $0[$1.name] = try retryDue($1) }

        let start = MonotonicClock.nanoseconds()
        try group.startCoordinator(deadline, log: "node-restarted.log")
        let meters = [(group.a, try UsageMeter(pid: group.a.pid)), (group.coordinator, UsageMeter(newProcess: group.coordinator.pid)),
                      (group.b, try UsageMeter(pid: group.b.pid))]
        let (answered, linked) = try waitForLinks(deadline)
        let arrivals = try recorder.waitForAll(Array(sent.keys), deadline)
        let usage = try meters.map { node, meter in
            let used = try meter.finish()
            return NodeUsage(node: node.name, cpuMs: used.cpuMs, peakRssKibibytes: used.peakRssKibibytes)
        }
        let times = arrivals.values.sorted()
        let paths = recorder.deliveries(of: Array(sent.keys)).values.reduce(into: [String: Int]()) { $0[$1.path, default: 0] += 1 }
        let first = arrivals.values.min() ?? start, last = arrivals.values.max() ?? start
        let lastLink = linked.values.max() ?? start
        func ms(_ to: UInt64) -> Double { Double(to - start) / 1e6 }
        return CatchUpResult(
            name: "11 catch-up after C restarts", messages: count, bodyBytes: Self.bodyBytes,
            queuedPerSecond: Double(count) / queueSeconds, downMs: Double(start - stopped) / 1e6,
            retryDueAtRestartMs: retries, startToCoordinatorAnswersMs: ms(answered),
            startToLinkedMs: linked.mapValues(ms), startToFirstMs: ms(first), startToAllMs: ms(last),
            lastLinkToAllMs: last > lastLink ? Double(last - lastLink) / 1e6 : 0,
            messagesPerSecond: last > first ? Double(count - 1) / (Double(last - first) / 1e9) : 0,
            longestGapMs: zip(times, times.dropFirst()).map { Double($1 - $0) / 1e6 }.max() ?? 0, paths: paths, nodes: usage)
    }

    /// Milliseconds until `node`'s next dial to C, from its `peers` listing (0 if it is dialling).
    private func retryDue(_ node: BenchNode) throws -> Double {
        let reply = try node.client().call(ControlRequest(op: "peers"), timeoutMilliseconds: 10_000)
        guard reply.ok, let peers = reply.peers else { throw BenchError.node("\(node.name): peers failed: \(reply.error ?? "?")") }
        let endpoint = peers.first { $0.endpoint.hasSuffix(":\(group.port)") && !$0.established }
        return endpoint.map { Double($0.retryInMs ?? 0) } ?? 0
    }

    /// Polls C, A and B every few ms: when C's control socket first answers, and when each node
    /// first shows C up.
    private func waitForLinks(_ deadline: Deadline) throws -> (answered: UInt64, linked: [String: UInt64]) {
        var answered: UInt64?
        var linked: [String: UInt64] = [:]
        while answered == nil || linked.count < group.nodes.count {
            if let process = group.coordinator.process, process.poll() {
                throw BenchError.node("C exited early; see \(group.coordinator.dataDir)/node-restarted.log")
            }
            if answered == nil, (try? group.coordinator.status()) != nil { answered = MonotonicClock.nanoseconds() }
            for node in group.nodes where linked[node.name] == nil {
                if let status = try? node.status(), CoordinatorGroup.coordinatorUp(status) { linked[node.name] = MonotonicClock.nanoseconds() }
            }
            try deadline.check()
            MonotonicClock.pause(milliseconds: Self.pollMilliseconds)
        }
        return (answered ?? 0, linked)
    }
}
