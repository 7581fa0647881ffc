import Foundation

/// Scenarios 5 and 6 with the bounds they are compared with, measured in the same run.
struct RelayedReport: Codable {
    var results: [ScenarioResult]
    /// The crypto bound (256-byte body; 64-byte bodies share its padding bucket): A seals, B opens,
    /// relays neither, so one core per node carries at most 1 / max(seal, open) messages per second.
    var sealMicroseconds: Double
    var openMicroseconds: Double
    var boundMessagesPerSecondPerCore: Double
    /// 4 KiB append + fdatasync p50. Every node on the path commits a message before it passes it
    /// on (A before offering it, a relay before its hop ack, B before its inbox line), so a message
    /// cannot reach B's inbox in less than seal + open + nodes × this: the latency floor.
    var fdatasyncP50Microseconds: Double

    init(results: [ScenarioResult], crypto: CryptoBound, probes: Probes) {
        self.results = results
        sealMicroseconds = crypto.sealMicroseconds
        openMicroseconds = crypto.openMicroseconds
        boundMessagesPerSecondPerCore = crypto.boundMessagesPerSecondPerCore
        fdatasyncP50Microseconds = probes.fdatasyncP50Microseconds
    }

    /// The latency floor for a path of `nodes` nodes, in ms.
    func floorMs(nodes: Int) -> Double { (sealMicroseconds + openMicroseconds + Double(nodes) * fdatasyncP50Microseconds) / 1000 }

    func markdown() -> [String] {
        var lines = [
            "",
            "| scenario | msgs | body | msg/s | % of crypto bound | send→inbox p50 / p99 ms | p50 ÷ floor | send→proof p50 / p99 ms | p50 ÷ floor | proofs by path/hops | CPU per msg, A / relays / B µs | A ÷ seal, B ÷ open |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
        ]
        lines += results.map(row)
        let paths = Set(results.map(\.nodes.count)).sorted()
        lines += [
            "",
            "| bounds for scenarios 5–6 (measured in this run) | value |",
            "| --- | ---: |",
            "| crypto per node per core, 1 / max(seal \(f(sealMicroseconds, 1)) µs, open \(f(openMicroseconds, 1)) µs), msg/s | \(f(boundMessagesPerSecondPerCore, 0)) |",
        ]
        lines += paths.map { nodes in
            "| latency floor, \(nodes) nodes: seal + open + \(nodes) × fdatasync p50 (\(f(fdatasyncP50Microseconds, 0)) µs), ms | \(f(floorMs(nodes: nodes), 2)) |"
        }
        return lines
    }

    private func row(_ s: ScenarioResult) -> String {
        let floor = floorMs(nodes: s.nodes.count)
        let perMessage = s.nodes.map { $0.cpuPerMessageMicroseconds(s.messages) }
        let routes = (s.proofRoutes ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        let proof = s.sendToProof
        let cells = [
            s.name, "\(s.messages)", "\(s.bodyBytes) B", f(s.messagesPerSecond, 0),
            "\(f(s.messagesPerSecond / boundMessagesPerSecondPerCore * 100, 1)) %",
            "\(f(s.sendToInbox.p50Ms, 2)) / \(f(s.sendToInbox.p99Ms, 2))", "\(f(s.sendToInbox.p50Ms / floor, 1))×",
            proof.map { "\(f($0.p50Ms, 2)) / \(f($0.p99Ms, 2))" } ?? "–", proof.map { "\(f($0.p50Ms / floor, 1))×" } ?? "–",
            routes.isEmpty ? "–" : routes, perMessage.map { f($0, 0) }.joined(separator: " / "),
            "\(f((perMessage.first ?? 0) / sealMicroseconds, 1))× / \(f((perMessage.last ?? 0) / openMicroseconds, 1))×",
        ]
        return "| " + cells.joined(separator: " | ") + " |"
    }

    private func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}
