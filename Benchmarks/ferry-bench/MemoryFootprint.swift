import FerryControl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One node's memory and disk before and after it came to store `messages` messages.
struct StoredFootprint: Codable {
    var node: String
    var messages: Int
    /// VmRSS after start-up and `MemoryFootprint.idleMilliseconds` with nothing to do.
    var idleRssKibibytes: Int
    /// VmHWM over taking the messages in (reset just before), start-up excluded.
    var peakRssKibibytes: Int
    /// VmRSS after the messages are in and the node has idled again.
    var storedRssKibibytes: Int
    /// The store (ferry.db and any -wal/-shm) after a clean stop with nothing stored, and with the
    /// messages: a clean stop checkpoints the WAL into the database file, so the difference is what
    /// the messages take and not how much of them sat in the WAL.
    var emptyStoreBytes: Int
    var storeBytes: Int

    var rssGrowthPerMessageBytes: Double { Double(storedRssKibibytes - idleRssKibibytes) * 1024 / Double(max(messages, 1)) }
    var storePerMessageBytes: Double { Double(storeBytes - emptyStoreBytes) / Double(max(messages, 1)) }
}

/// The figures of scenario 16.
struct MemoryResult: Codable {
    var name: String
    var bodyBytes: Int
    /// One sealed envelope for such a body, from the in-process seal: the least a stored message can
    /// take, on disk or in memory.
    var envelopeBytes: Int
    /// A with its own messages in its outbox (B never runs).
    var outbox: StoredFootprint
    /// R with one relay copy of each in custody.
    var custody: StoredFootprint
}

/// Scenario 16: what storing messages costs a node in memory and on disk. A, R and B as in
/// scenario 7 (B never runs, so nothing is delivered or dropped). First R starts alone, idles, and
/// is stopped cleanly: its idle RSS and the size of an empty store. Then A starts alone, idles (its
/// idle RSS), accepts `count` sends for B into its outbox (its peak RSS under that load), idles
/// again (RSS with them stored). Then R restarts with A as its pinned `--peer` and takes one relay
/// copy of each into custody (R's peak under that load), and idles. Both stop cleanly and their
/// stores are measured. Per stored message: RSS growth and store growth, each compared with the
/// envelope's own size.
struct MemoryFootprint {
    let chain: NodeChain
    let count: Int
    let envelopeBytes: Int

    static let bodyBytes = 256
    static let scenarioSeconds: Double = 300
    /// Idle time before an RSS reading, so start-up's and the last batch's transient allocations are
    /// either returned or counted the same way each time.
    static let idleMilliseconds = 1000
    static let payloadSeed = Payload.seed ^ 0x000E_0000

    func run() throws -> MemoryResult {
        let deadline = Deadline(seconds: Self.scenarioSeconds, what: "scenario 16 (memory)")
        let a = chain.a, relay = chain.relays[0]
        try chain.prepare()
        let noDiscovery = NodeChain.noDiscovery

        try relay.start(ferry: chain.ferry, extra: noDiscovery)
        let relayIdle = try idleRss(relay, deadline)
        try stopCleanly(relay)
        let emptyStore = try Self.storeBytes(relay.dataDir)

        try a.start(ferry: chain.ferry, extra: noDiscovery)
        let aIdle = try idleRss(a, deadline)
        ProcStats.resetPeakResident(pid: a.pid)
        _ = try Scenarios.queue(try a.client(), count: count, bodyBytes: Self.bodyBytes, seed: Self.payloadSeed, deadline)
        let aPeak = try ProcStats.peakResidentKiB(pid: a.pid)
        let aStored = try idleRss(a, deadline)

        try relay.start(ferry: chain.ferry, extra: try a.seed(deadline) + noDiscovery)
        _ = try relay.waitForStatus(deadline) { _ in true }
        ProcStats.resetPeakResident(pid: relay.pid)
        _ = try relay.waitForStatus(deadline, pollMilliseconds: 10) { $0.relay >= count }
        let relayPeak = try ProcStats.peakResidentKiB(pid: relay.pid)
        let relayStored = try idleRss(relay, deadline)
        let held = try relay.status()
        guard held.relay == count, (held.evicted ?? 0) == 0 else {
            throw BenchError.node("R holds \(held.relay) relay copies (\(held.evicted ?? 0) evicted); expected \(count)")
        }

        try stopCleanly(a)
        try stopCleanly(relay)
        return MemoryResult(
            name: "16 memory and disk per stored message", bodyBytes: Self.bodyBytes, envelopeBytes: envelopeBytes,
            outbox: StoredFootprint(
                node: "A, own outbox", messages: count, idleRssKibibytes: aIdle, peakRssKibibytes: aPeak,
                storedRssKibibytes: aStored, emptyStoreBytes: emptyStore, storeBytes: try Self.storeBytes(a.dataDir)),
            custody: StoredFootprint(
                node: "R, relay custody", messages: count, idleRssKibibytes: relayIdle, peakRssKibibytes: relayPeak,
                storedRssKibibytes: relayStored, emptyStoreBytes: emptyStore, storeBytes: try Self.storeBytes(relay.dataDir)))
    }

    /// VmRSS once the node answers and has idled.
    private func idleRss(_ node: BenchNode, _ deadline: Deadline) throws -> Int {
        _ = try node.waitForStatus(deadline) { _ in true }
        MonotonicClock.pause(milliseconds: Self.idleMilliseconds)
        return try ProcStats.residentKiB(pid: node.pid)
    }

    /// SIGTERM and wait: the node closes its store, which checkpoints the WAL into ferry.db.
    private func stopCleanly(_ node: BenchNode) throws {
        node.process?.stop(graceSeconds: 20)
        guard let status = node.process?.exitStatus, status == 0 else {
            throw BenchError.node("\(node.name) did not stop cleanly (status \(node.process?.exitStatus ?? -1)); see \(node.dataDir)/node.log")
        }
    }

    /// Bytes of ferry.db and its -wal and -shm files, those that exist.
    static func storeBytes(_ dataDir: String) throws -> Int {
        var total = 0
        for suffix in ["", "-wal", "-shm"] {
            var info = stat()
            if stat(dataDir + "/ferry.db" + suffix, &info) == 0 { total += Int(info.st_size) }
        }
        guard total > 0 else { throw BenchError.node("no store in \(dataDir)") }
        return total
    }

    static func markdown(_ r: MemoryResult) -> [String] {
        var lines = [
            "",
            "| scenario 16: \(r.outbox.messages) messages of \(r.bodyBytes) B stored (envelope \(r.envelopeBytes) B) | idle RSS MiB | peak RSS taking them in MiB | RSS with them stored MiB | RSS growth per message B | ÷ envelope | store before / after MB | store per message B | ÷ envelope |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for s in [r.outbox, r.custody] {
            let cells = [
                s.node, mib(s.idleRssKibibytes), mib(s.peakRssKibibytes), mib(s.storedRssKibibytes), f(s.rssGrowthPerMessageBytes, 0),
                "\(f(s.rssGrowthPerMessageBytes / Double(r.envelopeBytes), 2))×",
                "\(f(Double(s.emptyStoreBytes) / 1e6, 2)) / \(f(Double(s.storeBytes) / 1e6, 2))", f(s.storePerMessageBytes, 0),
                "\(f(s.storePerMessageBytes / Double(r.envelopeBytes), 2))×",
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines
    }

    private static func mib(_ kib: Int) -> String { f(Double(kib) / 1024, 1) }
    private static func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}
