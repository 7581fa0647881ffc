import Foundation

/// Scenario 4 with the bounds it is compared with, all measured in the same run.
struct DrainReport: Codable {
    var result: DrainResult
    /// Seal and open of one 64 KiB body, in-process.
    var crypto: CryptoBound
    var durableWrite: DurableWrite
    /// A seals each 64 KiB message and B opens it; nothing is sealed back (the delivery proof is
    /// the receipt). So one core per node carries at most 1 / max(seal, open) of them per second.
    var boundMessagesPerSecondPerCore: Double
    var percentOfCryptoBound: Double
    /// The drain's body MB/s as a share of the durable write rate, in %.
    var percentOfDurableWrite: Double

    init(result: DrainResult, crypto: CryptoBound, durableWrite: DurableWrite) {
        self.result = result
        self.crypto = crypto
        self.durableWrite = durableWrite
        boundMessagesPerSecondPerCore = crypto.boundMessagesPerSecondPerCore
        percentOfCryptoBound = result.messagesPerSecond / boundMessagesPerSecondPerCore * 100
        percentOfDurableWrite = result.bodyMegabytesPerSecond / durableWrite.megabytesPerSecond * 100
    }

    /// Its own two tables: the columns differ from scenarios 1–3.
    func markdown() -> [String] {
        let r = result, c = crypto
        let perA = r.nodeA.cpuMs * 1000 / Double(r.messages), perB = r.nodeB.cpuMs * 1000 / Double(r.messages)
        let boundMegabytes = boundMessagesPerSecondPerCore * Double(r.bodyBytes) / 1e6
        let cells = [
            r.name, "\(r.messages)", "\(r.bodyBytes) B", "\(r.envelopeBytes) B", f(r.queuedPerSecond, 0),
            f(r.startToLinkMs, 0), f(r.linkToDrainedMs, 0), f(r.startToQuietMs, 0), f(r.messagesPerSecond, 0),
            f(r.bodyMegabytesPerSecond, 1), f(r.envelopeMegabytesPerSecond, 1),
            "\(f(r.nodeA.cpuMs, 0)) / \(f(r.nodeB.cpuMs, 0))", "\(f(perA, 0)) / \(f(perB, 0))",
            "\(f(Double(r.nodeA.peakRssKibibytes) / 1024, 1)) / \(f(Double(r.nodeB.peakRssKibibytes) / 1024, 1))",
        ]
        return [
            "",
            "| scenario | msgs | body | envelope | queued at A, sends/s | B start → link ms | link → drained ms | B start → both outboxes empty ms | msg/s | body MB/s | envelope MB/s | CPU A / B ms | CPU per msg A / B µs | peak RSS A / B MiB |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            "| " + cells.joined(separator: " | ") + " |",
            "",
            "| bounds for scenario 4 (in-process, \(c.bodyBytes)-byte body, \(c.iterations) ops) | value |",
            "| --- | ---: |",
            "| `EnvelopeSeal.seal` µs/op | \(f(c.sealMicroseconds, 1)) |",
            "| `EnvelopeSeal.open` µs/op | \(f(c.openMicroseconds, 1)) |",
            "| bound per node per core, 1 / max(seal, open), msg/s | \(f(boundMessagesPerSecondPerCore, 0)) |",
            "| the same bound in body MB/s | \(f(boundMegabytes, 1)) |",
            "| drain as % of crypto bound | \(f(percentOfCryptoBound, 1)) % |",
            "| durable write, \(durableWrite.chunkBytes >> 20) MiB appends + fdatasync, MB/s | \(f(durableWrite.megabytesPerSecond, 0)) |",
            "| drain body MB/s as % of durable write | \(f(percentOfDurableWrite, 1)) % |",
        ]
    }

    private func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}
