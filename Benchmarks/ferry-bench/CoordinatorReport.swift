import Foundation

/// Scenarios 9–12 with the bounds and aims they are compared with, measured in the same run where
/// they are measured at all.
struct CoordinatorReport: Codable {
    var through: [ScenarioResult]?
    var switchover: SwitchResult?
    var catchUp: CatchUpResult?
    var links: LinksResult?
    /// A seals and B opens each message; C does neither (256-byte bodies; 64-byte ones share the bucket).
    var sealMicroseconds: Double
    var openMicroseconds: Double
    var boundMessagesPerSecondPerCore: Double
    var fdatasyncP50Microseconds: Double

    /// The issue's aims.
    static let throughAimMessagesPerSecond = 2000.0
    static let switchAimMilliseconds = 2000.0
    static let catchUpAimMilliseconds = 1000.0
    static let linksAim = 10_000
    static let linkAimBytes = 20_000.0
    /// The node's own bounds on a coordinator that goes quiet (CoreLimits): a handoff is released into
    /// the mesh after 3 s without a proof; a coordinator link with no frame for 6 s is closed.
    static let releaseBoundMilliseconds = 3000.0
    static let coordinatorIdleMilliseconds = 6000.0

    init(crypto: CryptoBound, probes: Probes) {
        sealMicroseconds = crypto.sealMicroseconds
        openMicroseconds = crypto.openMicroseconds
        boundMessagesPerSecondPerCore = crypto.boundMessagesPerSecondPerCore
        fdatasyncP50Microseconds = probes.fdatasyncP50Microseconds
    }

    /// A, C and B each commit a message before passing it on or proving it.
    var floorMs: Double { (sealMicroseconds + openMicroseconds + 3 * fdatasyncP50Microseconds) / 1000 }

    func markdown() -> [String] {
        var lines: [String] = []
        if let through { lines += throughMarkdown(through) }
        if let switchover { lines += switchMarkdown(switchover) }
        if let catchUp { lines += catchUpMarkdown(catchUp) }
        if let links { lines += linksMarkdown(links) }
        return lines
    }

    private func throughMarkdown(_ results: [ScenarioResult]) -> [String] {
        var lines = [
            "",
            "| scenario | msgs | body | msg/s | ÷ aim \(f(Self.throughAimMessagesPerSecond, 0)) msg/s | % of crypto bound | send→inbox p50 / p99 ms | p50 ÷ floor | send→proof p50 / p99 ms | proofs by path/hops | all by coordinator | CPU per msg A / C / B µs | A ÷ seal, B ÷ open |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |",
        ]
        for s in results {
            let perMessage = s.nodes.map { $0.cpuPerMessageMicroseconds(s.messages) }
            let routes = (s.proofRoutes ?? [:]).sorted { $0.key < $1.key }
            let byCoordinator = routes.allSatisfy { $0.key.hasPrefix("coordinator/") } && !routes.isEmpty
            let cells = [
                s.name, "\(s.messages)", "\(s.bodyBytes) B", f(s.messagesPerSecond, 0),
                "\(f(s.messagesPerSecond / Self.throughAimMessagesPerSecond * 100, 1)) %",
                "\(f(s.messagesPerSecond / boundMessagesPerSecondPerCore * 100, 1)) %",
                "\(f(s.sendToInbox.p50Ms, 2)) / \(f(s.sendToInbox.p99Ms, 2))", "\(f(s.sendToInbox.p50Ms / floorMs, 1))×",
                s.sendToProof.map { "\(f($0.p50Ms, 2)) / \(f($0.p99Ms, 2))" } ?? "–",
                routes.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "), byCoordinator ? "yes" : "**no**",
                perMessage.map { f($0, 0) }.joined(separator: " / "),
                "\(f((perMessage.first ?? 0) / sealMicroseconds, 1))× / \(f((perMessage.last ?? 0) / openMicroseconds, 1))×",
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        lines += [
            "",
            "| bounds for scenario 9 | value |",
            "| --- | ---: |",
            "| the issue's aim, msg/s | \(f(Self.throughAimMessagesPerSecond, 0)) |",
            "| crypto per node per core, 1 / max(seal \(f(sealMicroseconds, 1)) µs, open \(f(openMicroseconds, 1)) µs), msg/s (C neither seals nor opens) | \(f(boundMessagesPerSecondPerCore, 0)) |",
            "| latency floor, 3 nodes: seal + open + 3 × fdatasync p50 (\(f(fdatasyncP50Microseconds, 0)) µs), ms | \(f(floorMs, 2)) |",
        ]
        return lines
    }

    private func switchMarkdown(_ r: SwitchResult) -> [String] {
        let resumed: String = r.killToFirstMeshMs.map { f($0, 0) } ?? "none"
        let ofAim: String = r.killToFirstMeshMs.map { "\(f($0 / Self.switchAimMilliseconds * 100, 0)) %" } ?? "–"
        let firstSent: String = r.firstMeshSentAfterKillMs.map { f($0, 0) } ?? "–"
        let lastByC: String = r.killToLastCoordinatorMs.map { f($0, 0) } ?? "–"
        let rates = "\(f(r.requestedPerSecond, 0)) / \(f(r.sentPerSecond, 0))"
        let cells: [String] = [
            r.name, "\(r.messages)", "\(r.bodyBytes) B", rates, resumed, ofAim, firstSent, lastByC,
            summary(r.beforeKill), summary(r.duringSwitch), summary(r.afterSwitch),
            paths(r.pathsBeforeKill), paths(r.pathsAfterKill), "\(r.missing)",
        ]
        return [
            "",
            "| scenario | msgs | body | msg/s asked / sent | kill → first mesh delivery ms | ÷ aim \(f(Self.switchAimMilliseconds, 0)) ms | that message sent at kill + ms | kill → last delivery by C ms | send→inbox p50 / p99 / max ms, sent before kill − 1 s | … sent kill − 1 s to kill + 2 s (the switch) | … sent later | paths, sent before kill | paths, sent after | missing |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |",
            "| " + cells.joined(separator: " | ") + " |",
            "",
            "| bounds for scenario 10 | ms |",
            "| --- | ---: |",
            "| the issue's aim: kill → deliveries resume through the mesh | \(f(Self.switchAimMilliseconds, 0)) |",
            "| release of a handoff without a proof (CoreLimits.coordinatorReleaseMilliseconds), if the kill went unnoticed | \(f(Self.releaseBoundMilliseconds, 0)) |",
            "| idle timeout of a coordinator link (CoreLimits.coordinatorIdleTimeoutMilliseconds), if no reset or FIN came | \(f(Self.coordinatorIdleMilliseconds, 0)) |",
        ]
    }

    private func catchUpMarkdown(_ r: CatchUpResult) -> [String] {
        let retries = r.retryDueAtRestartMs.sorted { $0.key < $1.key }.map { f($0.value, 0) }.joined(separator: " / ")
        let linked = r.startToLinkedMs.sorted { $0.key < $1.key }.map { f($0.value, 0) }.joined(separator: " / ")
        let cells = [
            r.name, "\(r.messages)", "\(r.bodyBytes) B", f(r.queuedPerSecond, 0), f(r.downMs, 0), retries,
            f(r.startToCoordinatorAnswersMs, 0), linked, f(r.startToFirstMs, 0), f(r.startToAllMs, 0),
            "\(f(r.startToAllMs / Self.catchUpAimMilliseconds * 100, 0)) %", f(r.lastLinkToAllMs, 0), f(r.messagesPerSecond, 0),
            f(r.longestGapMs, 0), paths(r.paths), r.nodes.map { f($0.cpuMs, 0) }.joined(separator: " / "),
        ]
        return [
            "",
            "| scenario | msgs | body | queued at A, sends/s | C down ms | next dial to C due at restart, A / B ms | C start → C answers ms | → A / B show C up ms | → first in B's inbox ms | → all in B's inbox ms | ÷ aim \(f(Self.catchUpAimMilliseconds, 0)) ms | later link → all ms | msg/s | longest gap between arrivals ms | paths | CPU A / C / B ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
            "| " + cells.joined(separator: " | ") + " |",
            "",
            "| bounds for scenario 11 | value |",
            "| --- | ---: |",
            "| the issue's aim: C start → all in B's inbox, ms | \(f(Self.catchUpAimMilliseconds, 0)) |",
            "| floor of the delivery part: B opens every message, \(r.messages) × open (\(f(openMicroseconds, 1)) µs), ms | \(f(Double(r.messages) * openMicroseconds / 1000, 0)) |",
            "| a node's redial backoff to a coordinator (FerryCore Backoff): 250 ms doubling to 15 s, ±50 % jitter, reset when a link was up | – |",
        ]
    }

    private func linksMarkdown(_ r: LinksResult) -> [String] {
        let t = r.tally
        let failures = t.failures.sorted { $0.value > $1.value }.map { "\($0.key) ×\($0.value)" }.joined(separator: "; ")
        let drops = t.drops.sorted { $0.value > $1.value }.map { "\($0.key) ×\($0.value)" }.joined(separator: "; ")
        let cells = [
            r.name, "\(r.target)", "\(t.attempted)", "\(t.established)", "\(r.held)", "\(r.coordinatorLinks)",
            "\(f(Double(r.held) / Double(Self.linksAim) * 100, 0)) %", "\(t.failed)\(failures.isEmpty ? "" : " (\(failures))")",
            "\(t.dropped)\(drops.isEmpty ? "" : " (\(drops))")", f(r.rampSeconds, 1), f(r.linksPerSecond, 0),
            "\(mib(r.coordinatorRssBeforeKibibytes)) / \(mib(r.coordinatorRssAfterRampKibibytes)) / \(mib(r.coordinatorRssAfterHoldKibibytes)) / \(mib(r.coordinatorPeakRssKibibytes))",
            f(r.rssPerLinkBytes / 1000, 1), "\(f(r.rssPerLinkBytes / Self.linkAimBytes * 100, 0)) %",
            f(r.coordinatorCpuPerLinkMs, 2), "\(f(r.coordinatorHoldCorePercent, 1)) %", "\(t.pongsSent)", f(r.holderRssPerLinkBytes / 1000, 1),
        ]
        return [
            "",
            "| scenario | target | attempted | established | held after \(f(r.holdSeconds, 0)) s | C's status links | ÷ aim \(Self.linksAim) | failed (why) | dropped while held (why) | ramp s | links/s | C's RSS before / after ramp / after hold / peak MiB | C's RSS per link held KB | ÷ aim \(f(Self.linkAimBytes / 1000, 0)) KB | C's CPU per link set up ms | C's CPU while holding, % of a core | pongs sent | holder's RSS per link KB |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            "| " + cells.joined(separator: " | ") + " |",
            "",
            "| bounds for scenario 12 | value |",
            "| --- | ---: |",
            "| the issue's aim: links held by one coordinator | \(Self.linksAim) |",
            "| the issue's aim: coordinator RSS per link, KB (10^3 B) | \(f(Self.linkAimBytes / 1000, 0)) |",
            "| open files per process (soft limit raised to the hard one; C does the same) | \(r.openFilesMax) |",
            "| local ports (net.ipv4.ip_local_port_range) | \(r.localPorts) |",
            "| why the holder stopped before its target | \(r.stopReason ?? "it did not") |",
        ]
    }

    private func summary(_ l: LatencySummary) -> String {
        l.count == 0 ? "–" : "\(f(l.p50Ms, 1)) / \(f(l.p99Ms, 1)) / \(f(l.maxMs, 1))"
    }

    private func paths(_ counts: [String: Int]) -> String {
        counts.isEmpty ? "–" : counts.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
    }

    private func mib(_ kib: Int) -> String { f(Double(kib) / 1024, 1) }
    private func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}
