import Foundation

/// Scenario 7 with the bounds it is compared with, all measured in the same run.
struct IntakeReport: Codable {
    var result: IntakeResult
    /// 4 KiB append + fdatasync p50 (the run's probe): were every relay copy its own commit, R
    /// could take at most 1 / p50 copies per second.
    var fdatasyncP50Microseconds: Double
    var oneCommitPerCopyMessagesPerSecond: Double
    /// 1 MiB appends + fdatasync: the copies per second whose envelope bytes the disk can make
    /// durable. SQLite writes each twice (WAL, then checkpoint), so the store reaches about half.
    var durableWrite: DurableWrite
    var durableBytesMessagesPerSecond: Double
    /// Frame split + envelope decode + hop-ack encode per copy, in process.
    var framingMicroseconds: Double
    var framingMessagesPerSecond: Double

    init(result: IntakeResult, fdatasyncP50Microseconds: Double, durableWrite: DurableWrite, framingMicroseconds: Double) {
        self.result = result
        self.fdatasyncP50Microseconds = fdatasyncP50Microseconds
        oneCommitPerCopyMessagesPerSecond = 1e6 / fdatasyncP50Microseconds
        self.durableWrite = durableWrite
        durableBytesMessagesPerSecond = durableWrite.megabytesPerSecond * 1e6 / Double(result.envelopeBytes)
        self.framingMicroseconds = framingMicroseconds
        framingMessagesPerSecond = 1e6 / framingMicroseconds
    }

    func markdown() -> [String] {
        let r = result
        let quarters = r.quarterMessagesPerSecond.map { f($0, 0) }.joined(separator: " / ")
        let perA = r.nodeA.cpuPerMessageMicroseconds(r.messages), perR = r.relay.cpuPerMessageMicroseconds(r.messages)
        let cells = [
            r.name, "\(r.messages)", "\(r.bodyBytes) B", "\(r.envelopeBytes) B", f(r.queuedPerSecond, 0),
            f(r.linkToFirstHeldMs, 0), f(r.linkToAllHeldMs, 0), f(r.linkToAllAckedMs, 0), f(r.messagesPerSecond, 0),
            quarters, f(r.longestPollGapMs, 0), f(r.envelopeMegabytesPerSecond, 1), "\(f(perA, 0)) / \(f(perR, 0))", "\(f(r.relayCorePercent, 0)) %",
            "\(mib(r.nodeA.peakRssKibibytes)) / \(mib(r.relay.peakRssKibibytes))",
        ]
        let rate = r.messagesPerSecond
        return [
            "",
            "| scenario | copies | body | envelope | queued at A, sends/s | link → first held ms | link → all held ms | link → all hop acks at A ms | copies/s at R | copies/s by quarter | longest status wait ms | envelope MB/s | CPU per copy A / R µs | R's CPU, % of a core | peak RSS A / R MiB |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            "| " + cells.joined(separator: " | ") + " |",
            "",
            "| bounds for scenario 7 (measured in this run) | copies/s | scenario 7 as % |",
            "| --- | ---: | ---: |",
            "| one commit per copy: 1 / fdatasync p50 (\(f(fdatasyncP50Microseconds, 0)) µs) | \(f(oneCommitPerCopyMessagesPerSecond, 0)) | \(pct(rate, oneCommitPerCopyMessagesPerSecond)) |",
            "| envelope bytes at the durable write rate (\(f(durableWrite.megabytesPerSecond, 0)) MB/s, \(durableWrite.chunkBytes >> 20) MiB appends + fdatasync) | \(f(durableBytesMessagesPerSecond, 0)) | \(pct(rate, durableBytesMessagesPerSecond)) |",
            "| framing per copy in process (\(f(framingMicroseconds, 1)) µs: frame split, envelope decode, hop-ack encode) | \(f(framingMessagesPerSecond, 0)) | \(pct(rate, framingMessagesPerSecond)) |",
            "| R's CPU per copy (\(f(perR, 0)) µs), one core | \(f(1e6 / perR, 0)) | \(pct(rate, 1e6 / perR)) |",
        ]
    }

    private func pct(_ value: Double, _ bound: Double) -> String { "\(f(value / bound * 100, 1)) %" }
    private func mib(_ kib: Int) -> String { f(Double(kib) / 1024, 1) }
    private func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}
