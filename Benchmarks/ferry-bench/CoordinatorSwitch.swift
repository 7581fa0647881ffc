import FerryControl
import Foundation

/// The figures of scenario 10. Times are on the bench's monotonic clock; paths are those B's inbox
/// lines give (`coordinator`, `mesh`, `direct`).
struct SwitchResult: Codable {
    var name: String
    var messages: Int
    var bodyBytes: Int
    /// The rate asked for, and the rate the sends went in at (A answers each `send` first).
    var requestedPerSecond: Double
    var sentPerSecond: Double
    var sentBeforeKill: Int
    /// From the SIGKILL to the first arrival in B's inbox by the mesh, and to the last one by C (a
    /// message C passed on just before it died).
    var killToFirstMeshMs: Double?
    var killToLastCoordinatorMs: Double?
    /// When the first message the mesh delivered was sent, relative to the kill (negative: before).
    var firstMeshSentAfterKillMs: Double?
    /// Send → inbox of the messages sent more than `switchLeadSeconds` before the kill, those sent
    /// from then until `switchTailSeconds` after it (the switch), and those sent later.
    var beforeKill: LatencySummary
    var duringSwitch: LatencySummary
    var afterSwitch: LatencySummary
    var pathsBeforeKill: [String: Int]
    var pathsAfterKill: [String: Int]
    /// Sent but not in B's inbox `settleSeconds` after the last send.
    var missing: Int
}

/// Scenario 10: C is SIGKILLed while A sends to B at a steady rate.
///
/// A, R and B all use C; A–R–B is the mesh (pinned `--peer`s, no discovery). While C is up, A hands
/// each message to B's home coordinator, C, and holds the mesh back for it; C passes it to B at once.
/// Partway through, C is killed: the kernel closes its sockets, so A and B see their links end, A
/// releases what it had handed to C into the mesh and sends new messages there (R, then B).
struct CoordinatorSwitch {
    let group: CoordinatorGroup
    let recorder: InboxRecorder
    let rate: Int

    static let bodyBytes = 64
    /// Sending before and after the kill.
    static let beforeKillSeconds = 3.0
    static let afterKillSeconds = 4.0
    /// The switch window around the kill: from this long before it (messages C may have taken but
    /// not passed on) to the issue's aim after it.
    static let switchLeadSeconds = 1.0
    static let switchTailSeconds = 2.0
    /// How long after the last send every message must be in B's inbox.
    static let settleSeconds = 30.0
    static let payloadSeed = Payload.seed ^ 0x000A_0000

    func run() throws -> SwitchResult {
        let total = Int(Double(rate) * (Self.beforeKillSeconds + Self.afterKillSeconds))
        let killAt = Int(Double(rate) * Self.beforeKillSeconds)
        var random = SeededRandom(seed: Self.payloadSeed)
        let texts = Payload.texts(count: total, byteCount: Self.bodyBytes, random: &random)
        let deadline = Deadline(seconds: 120, what: "scenario 10 (C killed mid-run)")
        let client = try group.a.client()
        var sent: [UInt64] = [], ids: [String] = []
        var kill: UInt64 = 0
        let start = MonotonicClock.nanoseconds()
        for (index, text) in texts.enumerated() {
            let due = start + UInt64(Double(index) / Double(rate) * 1e9)
            try readReplies(client, into: &ids, sent: sent.count, until: due, deadline)
            if index == killAt {
                kill = MonotonicClock.nanoseconds()
                group.coordinator.process?.killNow()
            }
            sent.append(try Control.writeSend(client, text: text))
        }
        let sentSeconds = Double(MonotonicClock.nanoseconds() - start) / 1e9
        while ids.count < sent.count { ids.append(try Control.receiveID(client, deadline)) }
        // Replies come in request order, so the k-th names the k-th send.
        let stamps = Dictionary(uniqueKeysWithValues: zip(ids, sent))
        let arrived = settle(ids, deadline)
        return summarize(stamps: stamps, arrived: arrived, kill: kill, sentSeconds: sentSeconds)
    }

    /// Reads `send` replies until `due`, so each send goes in on time whatever A's replies take.
    private func readReplies(_ client: ControlClient, into ids: inout [String], sent: Int, until due: UInt64, _ deadline: Deadline) throws {
        while true {
            let now = MonotonicClock.nanoseconds()
            guard now < due else { return }
            guard ids.count < sent else {
                usleep(UInt32(min((due - now) / 1000, 1000)))
                continue
            }
            do {
                let reply = try client.receive(timeoutMilliseconds: max(Int((due - now) / 1_000_000), 1))
                guard reply.ok, let id = reply.id else { throw BenchError.node("send: \(reply.error ?? "reply without id")") }
                ids.append(id)
            } catch ControlError.timedOut {
                return
            }
            try deadline.check()
        }
    }

    /// Waits until every message is in B's inbox, or `settleSeconds` pass; returns what arrived.
    private func settle(_ ids: [String], _ deadline: Deadline) -> [String: (stamp: UInt64, path: String)] {
        let settled = Deadline(seconds: Self.settleSeconds, what: "every message in B's inbox")
        while true {
            let arrived = recorder.deliveries(of: ids)
            if arrived.count == ids.count || settled.passed || deadline.passed { return arrived }
            MonotonicClock.pause(milliseconds: 10)
        }
    }

    private func summarize(
        stamps: [String: UInt64], arrived: [String: (stamp: UInt64, path: String)], kill: UInt64, sentSeconds: Double
    ) -> SwitchResult {
        let lead = UInt64(Self.switchLeadSeconds * 1e9), tail = UInt64(Self.switchTailSeconds * 1e9)
        var before: [UInt64] = [], during: [UInt64] = [], after: [UInt64] = []
        var pathsBefore: [String: Int] = [:], pathsAfter: [String: Int] = [:]
        for (id, sent) in stamps {
            guard let arrival = arrived[id] else { continue }
            let latency = arrival.stamp - sent
            if sent + lead < kill { before.append(latency) } else if sent < kill + tail { during.append(latency) } else { after.append(latency) }
            if sent < kill { pathsBefore[arrival.path, default: 0] += 1 } else { pathsAfter[arrival.path, default: 0] += 1 }
        }
        let afterKill = arrived.filter { $0.value.stamp > kill }
        let firstMesh = afterKill.filter { $0.value.path == "mesh" }.min { $0.value.stamp < $1.value.stamp }
        let lastByC = afterKill.filter { $0.value.path == "coordinator" }.map(\.value.stamp).max()
        func ms(_ from: UInt64, _ to: UInt64) -> Double { (Double(to) - Double(from)) / 1e6 }
        return SwitchResult(
            name: "10 C killed mid-run", messages: stamps.count, bodyBytes: Self.bodyBytes, requestedPerSecond: Double(rate),
            sentPerSecond: Double(stamps.count) / sentSeconds, sentBeforeKill: stamps.values.filter { $0 < kill }.count,
            killToFirstMeshMs: firstMesh.map { ms(kill, $0.value.stamp) }, killToLastCoordinatorMs: lastByC.map { ms(kill, $0) },
            firstMeshSentAfterKillMs: firstMesh.flatMap { stamps[$0.key] }.map { ms(kill, $0) },
            beforeKill: LatencySummary(nanoseconds: before), duringSwitch: LatencySummary(nanoseconds: during),
            afterSwitch: LatencySummary(nanoseconds: after), pathsBeforeKill: pathsBefore, pathsAfterKill: pathsAfter,
            missing: stamps.count - arrived.count)
    }
}
