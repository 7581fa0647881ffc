import Foundation

/// The `--summary` lines of scenarios 5–18, each figure with what it is compared with (see
/// `SummaryLine`). Scenarios 1–4 are in Summary.swift, beside the bounds.
enum SummaryLines {
    /// Scenarios 5 and 6: sustained rate against the crypto bound, one at a time against the floor.
    static func relayed(_ r: RelayedReport) -> [SummaryLine] {
        r.results.map { s in
            let relays = s.nodes.count - 2
            let chain = relays == 1 ? "relay chain A → R → B" : "relay chain A → \(relays) relays → B"
            if s.name.contains("sustained") {
                return SummaryLine(
                    figure: "\(chain): sustained, \(s.messages) × \(s.bodyBytes) B",
                    value: "\(f(s.messagesPerSecond, 0)) msg/s",
                    against: "\(pct(s.messagesPerSecond, r.boundMessagesPerSecondPerCore)) of the crypto bound per core, "
                        + "\(f(r.boundMessagesPerSecondPerCore, 0)) msg/s")
            }
            let floor = r.floorMs(nodes: s.nodes.count)
            return SummaryLine(
                figure: "\(chain): one at a time, \(s.bodyBytes) B, send → inbox p50 / p99",
                value: "\(f(s.sendToInbox.p50Ms, 2)) / \(f(s.sendToInbox.p99Ms, 2)) ms",
                against: "p50 \(f(s.sendToInbox.p50Ms / floor, 1))× the floor seal + open + \(s.nodes.count) × fdatasync = \(f(floor, 2)) ms")
        }
    }

    /// Scenario 7: copies per second into durable custody.
    static func intake(_ r: IntakeReport) -> [SummaryLine] {
        let perCopy = r.result.relay.cpuPerMessageMicroseconds(r.result.messages)
        return [SummaryLine(
            figure: "relay intake: \(r.result.messages) relay copies into durable custody at R",
            value: "\(f(r.result.messagesPerSecond, 0)) copies/s",
            against: "\(pct(r.result.messagesPerSecond, r.oneCommitPerCopyMessagesPerSecond)) of one commit per copy, "
                + "1 / fdatasync p50 = \(f(r.oneCommitPerCopyMessagesPerSecond, 0))/s; R's CPU \(f(perCopy, 0)) µs per copy, "
                + "\(f(r.result.relayCorePercent, 0)) % of a core")]
    }

    /// Scenario 8 (ferry-sync-bench gives the same lines for more differences).
    static func reconciliation(_ r: ReconciliationReport) -> [SummaryLine] {
        r.measurements.map { m in
            SummaryLine(
                figure: "reconciliation: \(m.items) vs \(m.items) items differing by \(m.difference) (in process, best of \(r.runs))",
                value: "\(m.bytes) B in \(m.messages) messages, \(f(m.syncMilliseconds, 1)) ms",
                against: "\(f(Double(m.bytes) / Double(m.difference * ReconciliationReport.idBytes), 1))× naming each differing id, "
                    + "d × \(ReconciliationReport.idBytes) B; \(f(Double(m.bytes) / Double(m.items * ReconciliationReport.itemBytes) * 100, 2)) % "
                    + "of one full listing; sync \(f(m.syncMilliseconds / m.buildMilliseconds, 2))× building one side's SyncItems, "
                    + "\(f(m.buildMilliseconds, 1)) ms")
        }
    }

    /// Scenarios 9–12.
    static func coordinator(_ r: CoordinatorReport) -> [SummaryLine] {
        var lines: [SummaryLine] = []
        for s in r.through ?? [] {
            if s.name.contains("sustained") {
                lines.append(SummaryLine(
                    figure: "coordinator A → C → B: sustained, \(s.messages) × \(s.bodyBytes) B",
                    value: "\(f(s.messagesPerSecond, 0)) msg/s",
                    against: "\(pct(s.messagesPerSecond, r.boundMessagesPerSecondPerCore)) of the crypto bound per core, "
                        + "\(f(r.boundMessagesPerSecondPerCore, 0)) msg/s; "
                        + "\(pct(s.messagesPerSecond, CoordinatorReport.throughAimMessagesPerSecond)) of the aim"))
            } else {
                lines.append(SummaryLine(
                    figure: "coordinator A → C → B: one at a time, \(s.bodyBytes) B, send → inbox p50 / p99",
                    value: "\(f(s.sendToInbox.p50Ms, 2)) / \(f(s.sendToInbox.p99Ms, 2)) ms",
                    against: "p50 \(f(s.sendToInbox.p50Ms / r.floorMs, 1))× the floor seal + open + 3 × fdatasync = \(f(r.floorMs, 2)) ms"))
            }
        }
        if let s = r.switchover {
            lines.append(SummaryLine(
                figure: "coordinator killed mid-run (\(f(s.requestedPerSecond, 0)) msg/s): kill → first delivery through the mesh",
                value: s.killToFirstMeshMs.map { "\(f($0, 0)) ms" } ?? "none",
                against: (s.killToFirstMeshMs.map { "\(pct($0, CoordinatorReport.switchAimMilliseconds)) of the aim; " } ?? "")
                    + "a handoff is released after \(f(CoordinatorReport.releaseBoundMilliseconds, 0)) ms without a proof; \(s.missing) missing"))
        }
        if let c = r.catchUp {
            let floor = Double(c.messages) * r.openMicroseconds / 1000
            lines.append(SummaryLine(
                figure: "coordinator restart: C's start → all \(c.messages) messages queued at A in B's inbox",
                value: "\(f(c.startToAllMs, 0)) ms",
                against: "\(pct(c.startToAllMs, CoordinatorReport.catchUpAimMilliseconds)) of the aim; \(f(c.startToAllMs / floor, 1))× "
                    + "the floor \(c.messages) × open = \(f(floor, 0)) ms"))
        }
        if let l = r.links {
            lines.append(SummaryLine(
                figure: "coordinator: links held by one coordinator (\(l.target) asked)",
                value: "\(l.held) held, \(f(l.rssPerLinkBytes / 1000, 1)) KB of C's RSS each",
                against: "\(pct(l.rssPerLinkBytes, CoordinatorReport.linkAimBytes)) of the aim of \(f(CoordinatorReport.linkAimBytes / 1000, 0)) KB; "
                    + "C's CPU \(f(l.coordinatorCpuPerLinkMs, 2)) ms per link set up"))
        }
        return lines
    }

    /// Scenarios 13–15: LAN formation against one beacon interval, the announce along the chain
    /// against the link-up floor measured with it, bytes at rest against the beacon bound; a
    /// scenario skipped for want of network namespaces gives one line saying why.
    static func discovery(_ r: DiscoveryReport) -> [SummaryLine] {
        let interval = LanScenarios.beaconIntervalMilliseconds
        var lines: [SummaryLine] = r.skipped.map { s in
            SummaryLine(
                figure: s.number == 13 ? "discovery: LAN of 4 and of 12 fully linked (ferry-bench 13, in network namespaces)"
                    : "discovery at rest: beacon and total bytes per node per minute (ferry-bench 15, in network namespaces)",
                value: "not available", against: s.reason)
        }
        for l in r.lanFormation {
            let figure = "discovery: LAN of \(l.nodes) in network namespaces, beacons only, no --peer: first spawn → every node has \(l.linksWanted) links"
            guard let full = l.fullyLinkedMs else {
                lines.append(SummaryLine(
                    figure: figure, value: "not reached (\(l.nodesLinked) of \(l.nodes) nodes linked)",
                    against: l.stalled.isEmpty ? "within \(f(LanScenarios.formationSecondsMax, 0)) s" : "stalled: \(l.stalled.joined(separator: "; "))"))
                continue
            }
            // The bound runs from every node answering: a pair links within one interval of that.
            let afterAnswer = full - l.allAnsweringMs
            lines.append(SummaryLine(
                figure: figure, value: "\(f(full, 0)) ms",
                against: "\(pct(full, interval)) of one beacon interval, \(f(interval, 0)) ms ± 25 %; \(f(afterAnswer, 0)) ms "
                    + "after every node answered (at \(f(l.allAnsweringMs, 0)) ms), \(pct(afterAnswer, interval)) of the interval"))
        }
        if !r.joinTrials.isEmpty {
            let linked = LatencySummary(nanoseconds: r.joinTrials.map { UInt64($0.linkedMs * 1e6) })
            let listed = LatencySummary(nanoseconds: r.joinTrials.map { UInt64($0.listedMs * 1e6) })
            let hop = (listed.p50Ms - linked.p50Ms) / Double(max(r.chainLength - 1, 1))
            lines.append(SummaryLine(
                figure: "discovery: new node's start → sendable at the far end of a \(r.chainLength)-node chain "
                    + "(announce, 127.0.0.1, --no-discovery), p50 / max of \(r.joinTrials.count) joins",
                value: "\(f(listed.p50Ms, 0)) / \(f(listed.maxMs, 0)) ms",
                against: "p50 \(f(listed.p50Ms / linked.p50Ms, 1))× the link-up floor, start → linked to the chain's first node "
                    + "p50 \(f(linked.p50Ms, 0)) ms; \(f(hop, 2)) ms per announce hop"))
        }
        if !r.atRest.isEmpty {
            let n = Double(r.atRest.count)
            let payload = r.atRest.map(\.beaconPayloadBytesPerMinute).reduce(0, +) / n
            let frames = r.atRest.map(\.beaconFrameBytesPerMinute).reduce(0, +) / n
            let total = r.atRest.map(\.txBytesPerMinute).reduce(0, +) / n
            let other = r.atRest.map(\.otherTxBytesPerMinute).reduce(0, +) / n
            let maxTotal = r.atRest.map(\.txBytesPerMinute).max() ?? 0
            let payloadBound = 60_000 / interval * Double(LanScenarios.beaconBytes)
            let frameBound = 60_000 / interval * Double(LanScenarios.beaconFrameBytes)
            let window = "LAN of \(r.atRest.count) idle \(f(r.atRest[0].seconds, 0)) s, mean of its nodes"
            let unchanged = r.atRest.allSatisfy(\.linksUnchanged) ? "no link came or went" : "links changed during the window"
            lines.append(SummaryLine(
                figure: "discovery at rest: beacon bytes per node per minute (\(window))",
                value: "\(f(payload, 0)) B/min (\(f(frames, 0)) B/min as Ethernet frames)",
                against: "\(f(payload / payloadBound, 2))× the beacon bound, one \(LanScenarios.beaconBytes) B beacon per "
                    + "\(f(interval, 0)) ms = \(f(payloadBound, 0)) B/min"))
            lines.append(SummaryLine(
                figure: "discovery at rest: all bytes a node's veth sent per minute (\(window))",
                value: "\(f(total, 0)) B/min (max \(f(maxTotal, 0)))",
                against: "\(f(total / frameBound, 2))× the beacon bound as frames, \(f(frameBound, 0)) B/min; not beacons "
                    + "\(f(other, 0)) B/min (TLS on the links, ARP); announces learnt "
                    + "\(r.atRest.map(\.announcesLearnt).reduce(0, +)), \(unchanged)"))
        }
        return lines
    }

    /// Scenario 16: RSS per node, and memory and store per message against the envelope's size.
    static func memory(_ r: MemoryResult) -> [SummaryLine] {
        let a = r.outbox, relay = r.custody
        var lines = [SummaryLine(
            figure: "memory: RSS of a node, idle / peak while accepting \(a.messages) sends / with them stored",
            value: "\(mib(a.idleRssKibibytes)) / \(mib(a.peakRssKibibytes)) / \(mib(a.storedRssKibibytes)) MiB",
            against: "relay R taking \(relay.messages) copies into custody: \(mib(relay.idleRssKibibytes)) / \(mib(relay.peakRssKibibytes)) / "
                + "\(mib(relay.storedRssKibibytes)) MiB")]
        for s in [a, relay] {
            lines.append(SummaryLine(
                figure: "memory: per stored message, \(s.node) (\(s.messages) × \(r.bodyBytes) B)",
                value: "RSS +\(f(s.rssGrowthPerMessageBytes, 0)) B, store \(f(s.storePerMessageBytes, 0)) B",
                against: "\(f(s.rssGrowthPerMessageBytes / Double(r.envelopeBytes), 2))× and \(f(s.storePerMessageBytes / Double(r.envelopeBytes), 2))× "
                    + "the sealed envelope, \(r.envelopeBytes) B"))
        }
        return lines
    }

    /// Scenario 17, or one line saying why it could not run.
    static func testbed(_ r: TestbedResult) -> [SummaryLine] {
        let name = "testbed: ferry testbed \(r.scenarioFile)"
        guard r.unavailable == nil else {
            return [SummaryLine(figure: name, value: "not available", against: r.unavailable ?? "")]
        }
        let verdict = r.passed == true ? "PASS" : "FAIL"
        var lines = [
            SummaryLine(
                figure: "\(name): delivered / sent (\(r.nodes) nodes and coordinators)",
                value: "\(r.delivered) / \(r.sent), duplicates \(r.duplicates), \(verdict)",
                against: "\(pct(Double(r.delivered), Double(max(r.sent, 1)))) delivered; run took \(f(r.wallSeconds, 0)) s"),
            SummaryLine(
                figure: "\(name): latency p50 / p99, send → inbox, every path and fault",
                value: "\(r.p50Ms.map { f($0, 0) } ?? "–") / \(r.p99Ms.map { f($0, 0) } ?? "–") ms",
                against: "runner's clock, outages included"),
        ]
        if let peak = r.maxPeakRssKibibytes {
            lines.append(SummaryLine(
                figure: "\(name): largest peak RSS of one node",
                value: "\(mib(peak)) MiB (\(r.maxPeakRssNode ?? "?"))",
                against: r.idleRssKibibytes.map { "\(f(Double(peak) / Double($0), 1))× an idle node's RSS in this run, \(mib($0)) MiB" }
                    ?? "sampled by the runner from /proc"))
        }
        return lines
    }

    /// Scenario 18: the newcomer's full set of links against its first one.
    static func exchange(_ r: ExchangeResult) -> [SummaryLine] {
        [SummaryLine(
            figure: "peer exchange: a newcomer with one seed, linked to all \(r.meshNodes) nodes of the mesh (127.0.0.1)",
            value: "\(f(r.startToAllLinksMs, 0)) ms",
            against: "\(f(r.startToAllLinksMs / r.startToSeedLinkMs, 2))× its first link, to the seed, \(f(r.startToSeedLinkMs, 0)) ms after "
                + "its start; the other \(r.meshNodes - 1) links \(f(r.startToAllLinksMs - r.startToSeedLinkMs, 0)) ms after it")]
    }

    private static func mib(_ kib: Int) -> String { f(Double(kib) / 1024, 1) }
    private static func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
    private static func pct(_ value: Double, _ bound: Double) -> String { String(format: "%.1f %%", value / bound * 100) }
}
