import FerryControl
import Foundation

/// The figures of one scenario.
struct ScenarioResult: Codable {
    var name: String
    var messages: Int
    var bodyBytes: Int
    /// Messages over the time from the first send to the last arrival in B's inbox.
    var messagesPerSecond: Double
    var elapsedMs: Double
    var sendToInbox: LatencySummary
    /// Send → `wait` reply with the receipt (scenarios that wait for receipts).
    var sendToReceipt: LatencySummary?
    /// From the scenario's start until both outboxes are empty (every proof and receipt is in).
    var nodeA: ProcessUsage
    var nodeB: ProcessUsage
}

/// What a scenario body measured, before CPU and memory are added.
struct Timings {
    var sendStamps: [String: UInt64]
    var arrivals: [String: UInt64]
    var receiptStamps: [String: UInt64] = [:]
}

/// Runs scenario bodies against a linked pair, with A's control connection for sends and the
/// recorder on B's inbox, and meters each node's CPU and peak RSS over the scenario.
struct ScenarioRunner {
    let pair: NodePair
    let recorder: InboxRecorder
    /// Bound on any single scenario; generous, so only a stuck node trips it.
    let scenarioSeconds: Double = 300

    func run(name: String, bodyBytes: Int, texts: [String], _ body: (ControlClient, [String], Deadline) throws -> Timings) throws -> ScenarioResult {
        let meterA = try UsageMeter(pid: pair.a.pid)
        let meterB = try UsageMeter(pid: pair.b.pid)
        let deadline = Deadline(seconds: scenarioSeconds, what: "scenario '\(name)'")
        let client = try pair.a.client()
        var timings = try body(client, texts, deadline)
        timings.arrivals = try recorder.waitForAll(Array(timings.sendStamps.keys), deadline)
        try quiesce(deadline)
        let usageA = try meterA.finish(), usageB = try meterB.finish()
        return summarize(name: name, bodyBytes: bodyBytes, timings: timings, nodeA: usageA, nodeB: usageB)
    }

    /// Waits until neither node has anything left to deliver, so one scenario's tail of proofs and
    /// receipts is not counted in the next.
    func quiesce(_ deadline: Deadline) throws {
        for node in [pair.a, pair.b] {
            _ = try node.waitForStatus(deadline) { $0.outboxPending == 0 }
        }
    }

    private func summarize(name: String, bodyBytes: Int, timings: Timings, nodeA: ProcessUsage, nodeB: ProcessUsage) -> ScenarioResult {
        let ids = Array(timings.sendStamps.keys)
        let first = timings.sendStamps.values.min() ?? 0
        let last = ids.compactMap { timings.arrivals[$0] }.max() ?? first
        let elapsed = Double(last - first) / 1e9
        let toInbox = ids.compactMap { id in timings.arrivals[id].map { $0 - timings.sendStamps[id]! } }
        let toReceipt = ids.compactMap { id in timings.receiptStamps[id].map { $0 - timings.sendStamps[id]! } }
        return ScenarioResult(
            name: name, messages: ids.count, bodyBytes: bodyBytes,
            messagesPerSecond: elapsed > 0 ? Double(ids.count) / elapsed : 0, elapsedMs: elapsed * 1000,
            sendToInbox: LatencySummary(nanoseconds: toInbox),
            sendToReceipt: toReceipt.isEmpty ? nil : LatencySummary(nanoseconds: toReceipt),
            nodeA: nodeA, nodeB: nodeB)
    }
}

/// Control-socket calls the scenarios share.
enum Control {
    /// Writes a `send` and returns the bench's stamp taken just before the write.
    static func writeSend(_ client: ControlClient, text: String) throws -> UInt64 {
        let stamp = MonotonicClock.nanoseconds()
        try client.send(ControlRequest(op: "send", to: "b", text: text))
        return stamp
    }

    /// Reads one reply that must be ok.
    static func receiveOK(_ client: ControlClient, _ deadline: Deadline, what: String) throws -> ControlReply {
        let reply = try client.receive(timeoutMilliseconds: deadline.remainingMilliseconds)
        guard reply.ok else { throw BenchError.node("\(what): \(reply.error ?? "refused")") }
        return reply
    }

    /// Reads a `send` reply and returns the message id.
    static func receiveID(_ client: ControlClient, _ deadline: Deadline) throws -> String {
        guard let id = try receiveOK(client, deadline, what: "send").id else { throw BenchError.node("send reply without id") }
        return id
    }

    /// Reads a `wait` reply: the id whose receipt came in, and when the bench read it.
    static func receiveReceipt(_ client: ControlClient, _ deadline: Deadline) throws -> (String, UInt64) {
        let reply = try receiveOK(client, deadline, what: "wait")
        let stamp = MonotonicClock.nanoseconds()
        guard let id = reply.id, reply.delivered == true else { throw BenchError.node("wait reply without a receipt") }
        return (id, stamp)
    }
}
