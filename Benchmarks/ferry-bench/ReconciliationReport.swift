import FerrySyncMeasure
import FerryWire
import Foundation

/// Scenario 8: a whole set reconciliation between two `Reconciler`s in process, through the same
/// code as ferry-sync-bench (FerrySyncMeasure): `items` items a side, differing by a few sizes.
struct ReconciliationReport: Codable {
    var measurements: [SyncMeasurement]
    var runs: Int

    /// Differences measured (those no larger than the sets).
    static let differences = [10, 100, 1000]
    /// Whole syncs per difference; the best is kept, as ferry-sync-bench does.
    static let runs = 5
    /// Bytes per item on its own: a 16-byte message id. Naming each differing item once is the least
    /// any exchange can send.
    static let idBytes = MessageID.byteCount
    /// Bytes per item in a full listing: its created time (8) and id (16), what a node would send to
    /// list its whole set.
    static let itemBytes = 8 + MessageID.byteCount

    static func measure(items: Int) throws -> ReconciliationReport {
        let measurements = try differences.filter { $0 <= items }.map { difference in
            progress("8/18 reconciliation: \(items) vs \(items) items differing by \(difference), best of \(runs)")
            return try SyncMeasure.measure(items: items, difference: difference, runs: runs)
        }
        return ReconciliationReport(measurements: measurements, runs: runs)
    }

    func markdown() -> [String] {
        let items = measurements.first?.items ?? 0
        var lines = [
            "",
            "| reconciliation, \(items) vs \(items) items (in process, best of \(runs)) | bytes | ÷ differing ids (d × \(Self.idBytes) B) | % of one full listing (\(items) × \(Self.itemBytes) B) | messages | sync ms | build SyncItems ms (one side) | sync ÷ build |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for m in measurements {
            let cells = [
                "differ by \(m.difference)", "\(m.bytes)", "\(f(Double(m.bytes) / Double(m.difference * Self.idBytes), 1))×",
                "\(f(Double(m.bytes) / Double(m.items * Self.itemBytes) * 100, 2)) %", "\(m.messages)",
                f(m.syncMilliseconds, 1), f(m.buildMilliseconds, 1), "\(f(m.syncMilliseconds / m.buildMilliseconds, 2))×",
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines
    }

    private func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}
