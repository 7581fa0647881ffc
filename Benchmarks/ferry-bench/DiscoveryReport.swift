import Foundation

/// Scenario 13: one LAN from first spawn to fully linked.
struct LanFormation: Codable {
    var nodes: Int
    /// min(nodes − 1, CoreLimits.targetLinks).
    var linksWanted: Int
    /// First spawn → last spawn (all `ip netns exec ferry run` started).
    var spawnAllMs: Double
    /// First spawn → every node's control socket answered: the start-up floor.
    var allAnsweringMs: Double
    var firstNodeLinkedMs: Double?
    /// Nil when the LAN never got there (a node stalled, or the 90 s bound passed).
    var fullyLinkedMs: Double?
    var nodesLinked: Int
    /// −1 where a node did not answer.
    var linksAtEnd: [Int]
    var beaconsSentAtEnd: [Int]
    /// Nodes that stopped answering their control socket once linked.
    var stalled: [String]
}

/// Scenario 14: one new node joining the end of the chain.
struct JoinTrial: Codable {
    /// Spawn → the new node's link to the chain's first node is up (its status says 1 link).
    var linkedMs: Double
    /// Spawn → its address is listed by `directory` at the far end, 4 announce hops on.
    var listedMs: Double
}

/// One node's counters at one moment of scenario 15.
struct RestSnapshot: Codable {
    var beaconsSent: Int
    var announcesLearnt: Int
    var txBytes: Int
    var txPackets: Int
    /// Established links as "address@since": equal before and after means no link came or went.
    var links: [String]
    var cpuMs: Double
}

/// Scenario 15, one node: what it sent while the LAN was idle, per minute.
struct RestUsage: Codable {
    var node: String
    var seconds: Double
    var beacons: Int
    var beaconIntervalMs: Double
    var beaconPayloadBytesPerMinute: Double
    var beaconFrameBytesPerMinute: Double
    /// Everything the host's veth sent (link-layer bytes), and that less the beacon frames: TLS on
    /// the links (pings, pongs, syncs, any announce or exchange) and ARP.
    var txBytesPerMinute: Double
    var otherTxBytesPerMinute: Double
    var announcesLearnt: Int
    var linksUnchanged: Bool
    var cpuMsPerMinute: Double

    init(node: String, seconds: Double, before: RestSnapshot, after: RestSnapshot) {
        self.node = node
        self.seconds = seconds
        let perMinute = 60 / seconds
        beacons = after.beaconsSent - before.beaconsSent
        beaconIntervalMs = beacons > 0 ? seconds * 1000 / Double(beacons) : 0
        beaconPayloadBytesPerMinute = Double(beacons * LanScenarios.beaconBytes) * perMinute
        beaconFrameBytesPerMinute = Double(beacons * LanScenarios.beaconFrameBytes) * perMinute
        txBytesPerMinute = Double(after.txBytes - before.txBytes) * perMinute
        otherTxBytesPerMinute = txBytesPerMinute - beaconFrameBytesPerMinute
        announcesLearnt = after.announcesLearnt - before.announcesLearnt
        linksUnchanged = before.links == after.links
        cpuMsPerMinute = (after.cpuMs - before.cpuMs) * perMinute
    }
}

/// Scenario 13 or 15 not run: network namespaces cannot be made here, and why.
struct SkippedScenario: Codable {
    var number: Int
    var reason: String
}

/// Scenarios 13–15, those that ran, or why they were skipped.
struct DiscoveryReport: Codable {
    var lanFormation: [LanFormation] = []
    var joinTrials: [JoinTrial] = []
    var chainLength = 0
    var atRest: [RestUsage] = []
    var skipped: [SkippedScenario] = []

    func markdown() -> [String] {
        var lines: [String] = []
        for s in skipped { lines += ["", "Scenario \(s.number) skipped: it needs network namespaces, and \(s.reason)."] }
        if !lanFormation.isEmpty {
            lines += [
                "", "| 13 LAN formation (namespaces, beacons only) | nodes | links wanted each | spawn all ms | all answering ms | first node linked ms | fully linked ms | links at end | beacons sent per node at end |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
            ]
            for r in lanFormation {
                let full = r.fullyLinkedMs.map { f($0) } ?? "not reached (\(r.nodesLinked) of \(r.nodes) nodes linked)"
                lines.append("| 13 LAN of \(r.nodes) | \(r.nodes) | \(r.linksWanted) | \(f(r.spawnAllMs)) | \(f(r.allAnsweringMs)) | \(r.firstNodeLinkedMs.map { f($0) } ?? "–") | \(full) | \(r.linksAtEnd.map(String.init).joined(separator: " ")) | \(r.beaconsSentAtEnd.map(String.init).joined(separator: " ")) |")
            }
            for r in lanFormation where !r.stalled.isEmpty {
                lines += ["", "LAN of \(r.nodes): these nodes stopped answering their control socket (−1 above): \(r.stalled.joined(separator: "; "))."]
            }
            lines.append("")
            lines.append("Bound: a pair is linked at the latest one beacon interval (\(f(LanScenarios.beaconIntervalMilliseconds)) ms ± 25 %) after both nodes answer, plus a dial and a handshake; a node beacons at once when it starts, so the earlier nodes dial it on its first beacon. Fully linked minus all answering, above: \(lanFormation.map { r in "\(r.fullyLinkedMs.map { f($0 - r.allAnsweringMs) + " ms" } ?? "–") (\(r.nodes) nodes)" }.joined(separator: ", ")).")
        }
        if !joinTrials.isEmpty {
            let linked = LatencySummary(nanoseconds: joinTrials.map { UInt64($0.linkedMs * 1e6) })
            let listed = LatencySummary(nanoseconds: joinTrials.map { UInt64($0.listedMs * 1e6) })
            let hops = LatencySummary(nanoseconds: joinTrials.map { UInt64(($0.listedMs - $0.linkedMs) / Double(chainLength - 1) * 1e6) })
            lines += [
                "", "| 14 new node → sendable at the far end of a \(chainLength)-node chain (127.0.0.1, --no-discovery), \(joinTrials.count) joins | p50 ms | max ms |",
                "| --- | ---: | ---: |",
                "| spawn → linked to the chain's first node (the floor: start-up, dial, handshake, hello) | \(f(linked.p50Ms)) | \(f(linked.maxMs)) |",
                "| spawn → listed by `directory` at the far end | \(f(listed.p50Ms)) | \(f(listed.maxMs)) |",
                "| per announce hop, (listed − linked) / \(chainLength - 1) | \(f(hops.p50Ms, 2)) | \(f(hops.maxMs, 2)) |",
            ]
        }
        if !atRest.isEmpty {
            lines += [
                "", "| 15 at rest, LAN of \(atRest.count), idle \(f(atRest[0].seconds, 1)) s | beacons | mean interval ms | beacon payload B/min | beacon frames B/min | veth tx B/min | of which not beacons B/min | announces learnt | links unchanged | CPU ms/min |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
            ]
            for u in atRest {
                lines.append("| \(u.node) | \(u.beacons) | \(f(u.beaconIntervalMs)) | \(f(u.beaconPayloadBytesPerMinute)) | \(f(u.beaconFrameBytesPerMinute)) | \(f(u.txBytesPerMinute)) | \(f(u.otherTxBytesPerMinute)) | \(u.announcesLearnt) | \(u.linksUnchanged ? "yes" : "no") | \(f(u.cpuMsPerMinute)) |")
            }
            let expected = 60_000 / LanScenarios.beaconIntervalMilliseconds * Double(LanScenarios.beaconBytes)
            lines.append("")
            lines.append("Bound: one \(LanScenarios.beaconBytes)-byte beacon per \(f(LanScenarios.beaconIntervalMilliseconds)) ms on average = \(f(expected)) B/min of payload (\(f(expected / Double(LanScenarios.beaconBytes) * Double(LanScenarios.beaconFrameBytes))) B/min as Ethernet frames). Announces: none can have been sent in the window when no link came or went and no record was learnt (a node sends announces only when a link comes up and when it first sees a record); the veth counters bound all link traffic, announces included.")
        }
        return lines
    }

    private func f(_ value: Double, _ decimals: Int = 0) -> String { String(format: "%.\(decimals)f", value) }
}
