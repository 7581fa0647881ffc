import Foundation

/// One headline figure for scripts/bench-all.sh: what was measured, its value with its unit, and
/// what it is compared with — a bound measured in the same run where the scenario has one (crypto,
/// fdatasync, durable writes, a first link), else the aim or a design bound (the beacon
/// interval). Printed by `--summary` as `figure<TAB>value<TAB>against`, one line each, so the
/// script never reads the human tables.
struct SummaryLine {
    var figure: String
    var value: String
    var against: String

    /// Tabs and newlines inside a field would break the line format; none is expected.
    var tsv: String {
        [figure, value, against].map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
            .joined(separator: "\t")
    }
}

extension BenchReport {
    /// The `--summary` output: the bounds first, then a few lines per scenario group that ran.
    func summary() -> String {
        summaryLines().map(\.tsv).joined(separator: "\n")
    }

    func summaryLines() -> [SummaryLine] {
        var lines = [
            SummaryLine(
                figure: "bound: crypto per node per core, 1 / max(seal, open), \(crypto.bodyBytes) B body",
                value: "\(f(crypto.boundMessagesPerSecondPerCore, 0)) msg/s",
                against: "seal \(f(crypto.sealMicroseconds, 1)) µs, open \(f(crypto.openMicroseconds, 1)) µs; in process, \(crypto.iterations) ops"),
            SummaryLine(
                figure: "bound: fdatasync of 4 KiB in the data directories' filesystem, p50",
                value: "\(f(probes.fdatasyncP50Microseconds, 0)) µs", against: "p99 \(f(probes.fdatasyncP99Microseconds, 0)) µs"),
        ]
        lines += linkLines()
        if let relayed { lines += SummaryLines.relayed(relayed) }
        if let relayIntake { lines += SummaryLines.intake(relayIntake) }
        if let reconciliation { lines += SummaryLines.reconciliation(reconciliation) }
        if let coordinator { lines += SummaryLines.coordinator(coordinator) }
        if let discovery { lines += SummaryLines.discovery(discovery) }
        if let memory { lines += SummaryLines.memory(memory) }
        if let testbed { lines += SummaryLines.testbed(testbed) }
        if let exchange { lines += SummaryLines.exchange(exchange) }
        return lines
    }

    /// Scenarios 1, 2 and 4: A → B on one link.
    private func linkLines() -> [SummaryLine] {
        var lines: [SummaryLine] = []
        let bound = crypto.boundMessagesPerSecondPerCore
        // A commits the message, B commits it before its inbox line; a third commit (A's, of the
        // proof) comes before the proof is answered.
        let floorInbox = (crypto.sealMicroseconds + crypto.openMicroseconds + 2 * probes.fdatasyncP50Microseconds) / 1000
        let floorProof = floorInbox + probes.fdatasyncP50Microseconds / 1000
        for s in scenarios where s.name.hasPrefix("1 ") {
            lines.append(SummaryLine(
                figure: "link A → B: sustained, \(s.messages) × \(s.bodyBytes) B, up to 64 sends outstanding",
                value: "\(f(s.messagesPerSecond, 0)) msg/s", against: "\(pct(s.messagesPerSecond, bound)) of the crypto bound per core, \(f(bound, 0)) msg/s"))
        }
        for s in scenarios where s.name.hasPrefix("2 ") {
            lines.append(SummaryLine(
                figure: "link A → B: one at a time, \(s.bodyBytes) B, send → inbox p50 / p99",
                value: "\(f(s.sendToInbox.p50Ms, 2)) / \(f(s.sendToInbox.p99Ms, 2)) ms",
                against: "p50 \(f(s.sendToInbox.p50Ms / floorInbox, 1))× the floor seal + open + 2 × fdatasync = \(f(floorInbox, 2)) ms"))
            if let proof = s.sendToProof {
                lines.append(SummaryLine(
                    figure: "link A → B: one at a time, send → delivery proof p50 / p99",
                    value: "\(f(proof.p50Ms, 2)) / \(f(proof.p99Ms, 2)) ms",
                    against: "p50 \(f(proof.p50Ms / floorProof, 1))× the floor seal + open + 3 × fdatasync = \(f(floorProof, 2)) ms"))
            }
        }
        if let drain = queuedDrain {
            let r = drain.result
            lines.append(SummaryLine(
                figure: "link A → B: \(r.messages) × 64 KiB queued while B was down, delivered on reconnect",
                value: "\(f(r.messagesPerSecond, 0)) msg/s, \(f(r.bodyMegabytesPerSecond, 1)) MB/s",
                against: "\(f(drain.percentOfCryptoBound, 1)) % of the 64 KiB crypto bound, \(f(drain.boundMessagesPerSecondPerCore, 0)) msg/s; "
                    + "\(f(drain.percentOfDurableWrite, 1)) % of durable writes, \(f(drain.durableWrite.megabytesPerSecond, 0)) MB/s"))
        }
        return lines
    }

    private func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
    private func pct(_ value: Double, _ bound: Double) -> String { String(format: "%.1f %%", value / bound * 100) }
}
