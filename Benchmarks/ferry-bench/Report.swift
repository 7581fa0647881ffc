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
    /// Scenarios 5 and 6, those that ran.
    var relayed: RelayedReport?
    /// Scenario 7, when it ran.
    var relayIntake: IntakeReport?
    /// Scenario 8, when it ran.
    var reconciliation: ReconciliationReport?
    /// Scenarios 9–12, those that ran.
    var coordinator: CoordinatorReport?
    /// Scenarios 13–15, those that ran or were skipped.
    var discovery: DiscoveryReport?
    /// Scenario 16, when it ran.
    var memory: MemoryResult?
    /// Scenario 17, when it ran (with the reason when it could not).
    var testbed: TestbedResult?
    /// Scenario 18, when it ran.
    var exchange: ExchangeResult?

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
                "| scenario | msgs | body | msg/s | send→inbox p50 / p90 / p99 ms | send→proof p50 / p90 / p99 ms | CPU A / B ms | CPU per msg A / B µs | peak RSS A / B MiB |",
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
            "| bound per node per core, 1 / max(seal, open), msg/s (A seals, B opens) | \(f(crypto.boundMessagesPerSecondPerCore, 0)) |",
            "| both ends on one core, 1 / (seal + open), msg/s (not a bound per node) | \(f(crypto.bothEndsOnOneCoreMessagesPerSecond, 0)) |",
        ]
        if let sustainedPercentOfCryptoBound {
            lines.append("| sustained scenario (1) as % of the bound per node | \(f(sustainedPercentOfCryptoBound, 1)) % |")
        }
        lines += [
            "| fdatasync of 4 KiB in the data dir's filesystem p50 / p99 µs | \(f(probes.fdatasyncP50Microseconds, 0)) / \(f(probes.fdatasyncP99Microseconds, 0)) |",
            "| control JSON per message (decode send, encode reply and inbox line) µs | \(f(probes.controlJSONMicroseconds, 1)) |",
        ]
        if let queuedDrain { lines += queuedDrain.markdown() }
        if let relayed { lines += relayed.markdown() }
        if let relayIntake { lines += relayIntake.markdown() }
        if let reconciliation { lines += reconciliation.markdown() }
        if let coordinator { lines += coordinator.markdown() }
        if let discovery { lines += discovery.markdown() }
        if let memory { lines += MemoryFootprint.markdown(memory) }
        if let testbed { lines += TestbedRun.markdown(testbed) }
        if let exchange { lines += ExchangeJoin.markdown(exchange) }
        return lines.joined(separator: "\n")
    }

    private func row(_ s: ScenarioResult) -> String {
        // A direct pair: the first node is A, the last B.
        guard let a = s.nodes.first, let b = s.nodes.last else { return "| \(s.name) | no nodes metered |" }
        let cells = [
            s.name, "\(s.messages)", "\(s.bodyBytes) B", f(s.messagesPerSecond, 0), triple(s.sendToInbox),
            s.sendToProof.map(triple) ?? "–", "\(f(a.cpuMs, 0)) / \(f(b.cpuMs, 0))",
            "\(f(a.cpuPerMessageMicroseconds(s.messages), 0)) / \(f(b.cpuPerMessageMicroseconds(s.messages), 0))",
            "\(f(Double(a.peakRssKibibytes) / 1024, 1)) / \(f(Double(b.peakRssKibibytes) / 1024, 1))",
        ]
        return "| " + cells.joined(separator: " | ") + " |"
    }

    private func triple(_ l: LatencySummary) -> String { "\(f(l.p50Ms, 2)) / \(f(l.p90Ms, 2)) / \(f(l.p99Ms, 2))" }

    private func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}
