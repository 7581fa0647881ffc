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
    /// Send → `wait` reply with the delivery proof (scenarios that wait for proofs).
    var sendToProof: LatencySummary?
    /// How the proofs say the messages got there, "path/hops" → messages (e.g. "mesh/2": 200).
    var proofRoutes: [String: Int]?
    /// Each node in path order (A, any relays, B), from the scenario's start until no node has
    /// anything left to deliver or carry (every proof is in and every relay copy dropped).
    var nodes: [NodeUsage]
}

/// CPU and memory of one named node over one scenario.
struct NodeUsage: Codable {
    var node: String
    var cpuMs: Double
    var peakRssKibibytes: Int

    func cpuPerMessageMicroseconds(_ messages: Int) -> Double { cpuMs * 1000 / Double(max(messages, 1)) }
}

/// What a scenario body measured, before CPU and memory are added.
struct Timings {
    var sendStamps: [String: UInt64] = [:]
    var arrivals: [String: UInt64] = [:]
    var proofStamps: [String: UInt64] = [:]
    var proofRoutes: [String: Int] = [:]

    mutating func noteProof(_ proof: Control.Proof) {
        proofStamps[proof.id] = proof.stamp
        proofRoutes[proof.route, default: 0] += 1
    }
}

/// Runs scenario bodies against linked nodes: sends go in on the sender's control connection, the
/// recorder follows the recipient's inbox, and every node on the path is metered over the scenario.
struct ScenarioRunner {
    let sender: BenchNode
    /// Every node on the path, in order, sender first and recipient last.
    let nodes: [BenchNode]
    let recorder: InboxRecorder
    /// Bound on any single scenario; generous, so only a stuck node trips it.
    let scenarioSeconds: Double = 300

    func run(name: String, bodyBytes: Int, texts: [String], _ body: (ControlClient, [String], Deadline) throws -> Timings) throws -> ScenarioResult {
        let meters = try nodes.map { try UsageMeter(pid: $0.pid) }
        let deadline = Deadline(seconds: scenarioSeconds, what: "scenario '\(name)'")
        let client = try sender.client()
        var timings = try body(client, texts, deadline)
        timings.arrivals = try recorder.waitForAll(Array(timings.sendStamps.keys), deadline)
        try quiesce(deadline)
        let usage = try zip(nodes, meters).map { node, meter in
            let used = try meter.finish()
            return NodeUsage(node: node.name, cpuMs: used.cpuMs, peakRssKibibytes: used.peakRssKibibytes)
        }
        return summarize(name: name, bodyBytes: bodyBytes, timings: timings, usage: usage)
    }

    /// Waits until no node has anything left to deliver or carry, so one scenario's tail of proofs
    /// is not counted in the next: no own message pending, no relay copy held, no mail waiting at
    /// a coordinator.
    func quiesce(_ deadline: Deadline) throws {
        for node in nodes {
            _ = try node.waitForStatus(deadline) { $0.outboxPending == 0 && $0.relay == 0 && ($0.mailboxes?.messages ?? 0) == 0 }
        }
    }

    private func summarize(name: String, bodyBytes: Int, timings: Timings, usage: [NodeUsage]) -> ScenarioResult {
        let ids = Array(timings.sendStamps.keys)
        let first = timings.sendStamps.values.min() ?? 0
        let last = ids.compactMap { timings.arrivals[$0] }.max() ?? first
        let elapsed = Double(last - first) / 1e9
        let toInbox = ids.compactMap { id in timings.arrivals[id].map { $0 - timings.sendStamps[id]! } }
        let toProof = ids.compactMap { id in timings.proofStamps[id].map { $0 - timings.sendStamps[id]! } }
        return ScenarioResult(
            name: name, messages: ids.count, bodyBytes: bodyBytes,
            messagesPerSecond: elapsed > 0 ? Double(ids.count) / elapsed : 0, elapsedMs: elapsed * 1000,
            sendToInbox: LatencySummary(nanoseconds: toInbox),
            sendToProof: toProof.isEmpty ? nil : LatencySummary(nanoseconds: toProof),
            proofRoutes: timings.proofRoutes.isEmpty ? nil : timings.proofRoutes, nodes: usage)
    }
}

/// Control-socket calls the scenarios share.
enum Control {
    /// A `wait` answered: the delivery proof is in at A.
    struct Proof {
        var id: String
        /// When the bench read the reply.
        var stamp: UInt64
        /// "path/hops" as the proof reports them, e.g. "direct/1" or "mesh/2".
        var route: String
    }

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

    /// Reads a `wait` reply: the message whose delivery proof came in.
    static func receiveProof(_ client: ControlClient, _ deadline: Deadline) throws -> Proof {
        let reply = try receiveOK(client, deadline, what: "wait")
        let stamp = MonotonicClock.nanoseconds()
        guard let proof = proof(in: reply, stamp: stamp) else { throw BenchError.node("wait reply without a delivery proof") }
        return proof
    }

    /// The proof a reply reports, if it is a `wait` reply.
    static func proof(in reply: ControlReply, stamp: UInt64) -> Proof? {
        guard let id = reply.id, reply.delivered == true else { return nil }
        return Proof(id: id, stamp: stamp, route: "\(reply.path ?? "?")/\(reply.hops.map(String.init) ?? "?")")
    }
}
