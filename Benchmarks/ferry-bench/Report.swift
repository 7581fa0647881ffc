import Foundation

/// Everything one run measured.
struct BenchReport: Codable {
    var machine: Machine
    var crypto: CryptoBound
    var probes: Probes
    /// Scenarios 1–3, those that ran.
    var scenarios: [ScenarioResult]
    /// The sustained scenario's rate as a share of the crypto bound per core, in % (when it ran).
    var sustainedPercentOfCryptoBound: Double?
    /// Scenario 4, when it ran.
    var queuedDrain: DrainReport?

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    func markdown() -> String {
        let m = machine
        var lines = [
            "ferry-bench, \(m.date): \(m.cpus) × \(m.cpuModel), \(m.ramMebibytes) MiB RAM, Linux \(m.kernel); "
                + "ferry build: \(m.ferryBuild), bench build: \(m.benchBuild)",
        ]
        if !scenarios.isEmpty {
            lines += [
                "",
                "| scenario | msgs | body | msg/s | send→inbox p50 / p90 / p99 ms | send→receipt p50 / p90 / p99 ms | CPU A / B ms | CPU per msg A / B µs | peak RSS A / B MiB |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            ]
            for s in scenarios { lines.append(row(s)) }
        }
        lines += [
            "",
            "| crypto bound (in-process, \(crypto.bodyBytes)-byte body, \(crypto.iterations) ops) | value |",
            "| --- | ---: |",
            "| `EnvelopeSeal.seal` µs/op | \(f(crypto.sealMicroseconds, 1)) |",
            "| `EnvelopeSeal.open` µs/op | \(f(crypto.openMicroseconds, 1)) |",
            "| bound per core, 1 / (seal + open), msg/s | \(f(crypto.boundMessagesPerSecondPerCore, 0)) |",
        ]
        if let sustainedPercentOfCryptoBound {
            lines.append("| sustained scenario as % of bound | \(f(sustainedPercentOfCryptoBound, 1)) % |")
        }
        lines += [
            "| fdatasync of 4 KiB in the data dir's filesystem p50 / p99 µs | \(f(probes.fdatasyncP50Microseconds, 0)) / \(f(probes.fdatasyncP99Microseconds, 0)) |",
            "| control JSON per message (decode send, encode reply and inbox line) µs | \(f(probes.controlJSONMicroseconds, 1)) |",
        ]
        if let queuedDrain { lines += queuedDrain.markdown() }
        return lines.joined(separator: "\n")
    }

    private func row(_ s: ScenarioResult) -> String {
        let perA = s.nodeA.cpuMs * 1000 / Double(s.messages), perB = s.nodeB.cpuMs * 1000 / Double(s.messages)
        let cells = [
            s.name, "\(s.messages)", "\(s.bodyBytes) B", f(s.messagesPerSecond, 0), triple(s.sendToInbox),
            s.sendToReceipt.map(triple) ?? "–", "\(f(s.nodeA.cpuMs, 0)) / \(f(s.nodeB.cpuMs, 0))",
            "\(f(perA, 0)) / \(f(perB, 0))",
            "\(f(Double(s.nodeA.peakRssKibibytes) / 1024, 1)) / \(f(Double(s.nodeB.peakRssKibibytes) / 1024, 1))",
        ]
        return "| " + cells.joined(separator: " | ") + " |"
    }

    private func triple(_ l: LatencySummary) -> String { "\(f(l.p50Ms, 2)) / \(f(l.p90Ms, 2)) / \(f(l.p99Ms, 2))" }

    private func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}
