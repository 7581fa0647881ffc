import FerryControl
import Foundation

/// Scenarios 13 and 15: `ferry run` nodes on a namespace LAN, each listening on its lab address
/// with discovery on and no `--peer`, so beacons alone bring the links.
enum LanScenarios {
    static let listenPort = 7000
    /// CoreLimits.targetLinks: discovery dials until a node has this many links.
    static let targetLinks = 8
    /// CoreLimits.beaconIntervalMilliseconds (each interval jittered ±25 %).
    static let beaconIntervalMilliseconds = 5000.0
    /// Beacon.byteCount, and the frame one makes on the LAN: + UDP 8 + IPv4 20 + Ethernet 14.
    static let beaconBytes = 115
    static let beaconFrameBytes = 115 + 8 + 20 + 14
    static let pollMilliseconds = 20
    static let formationSecondsMax = 90.0
    /// After fully linked, before the idle window of scenario 15: the link-up announces, the first
    /// reconciliations and the peer exchange are over by then.
    static let settleSeconds = 5.0

    /// Nodes on hosts 1…n of `lab`, initialised, not started.
    static func nodes(_ lab: BenchLab, root: String, ferry: String) throws -> [BenchNode] {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return try (1...lab.hosts).map { host in
            let node = BenchNode(name: "h\(host)", dataDir: root + "/h\(host)")
            try node.initialize(ferry: ferry, scratch: root)
            return node
        }
    }

    /// Spawns every node (each inside its host) back to back, then polls them all until each has
    /// min(n − 1, 8) links. Times are from the first spawn. A node that has answered before and
    /// then not for `silentSecondsMax` ends the wait: the LAN is reported as not fully linked,
    /// with that node named.
    static func formation(_ lab: BenchLab, nodes: [BenchNode], ferry: String) throws -> LanFormation {
        let want = min(nodes.count - 1, targetLinks)
        let start = MonotonicClock.nanoseconds()
        for (index, node) in nodes.enumerated() {
            try node.start(ferry: ferry, lab: lab, host: index + 1, listen: "\(lab.address(index + 1)):\(listenPort)")
        }
        let spawned = MonotonicClock.nanoseconds()
        var answered = [UInt64?](repeating: nil, count: nodes.count)
        var heardFrom = [UInt64?](repeating: nil, count: nodes.count)
        var linked = [UInt64?](repeating: nil, count: nodes.count)
        let deadline = Deadline(seconds: formationSecondsMax, what: "a LAN of \(nodes.count) fully linked (\(want) links each)")
        poll: while linked.contains(where: { $0 == nil }) && !deadline.passed {
            for (index, node) in nodes.enumerated() where linked[index] == nil {
                if let process = node.process, process.poll() { throw BenchError.node("\(node.name) exited; see \(node.dataDir)/node.log") }
                let now = MonotonicClock.nanoseconds()
                guard let status = try? node.status(timeoutMilliseconds: 2000) else {
                    if let heard = heardFrom[index], Double(now - heard) / 1e9 > silentSecondsMax { break poll }
                    continue
                }
                heardFrom[index] = now
                if answered[index] == nil { answered[index] = now }
                if status.links >= want { linked[index] = now }
            }
            MonotonicClock.pause(milliseconds: pollMilliseconds)
        }
        let ms = { (stamp: UInt64?) in stamp.map { Double($0 - start) / 1e6 } }
        let finals = nodes.map { try? $0.status(timeoutMilliseconds: 2000) }
        let done = !linked.contains { $0 == nil }
        return LanFormation(
            nodes: nodes.count, linksWanted: want, spawnAllMs: ms(spawned)!, allAnsweringMs: ms(answered.compactMap { $0 }.max()) ?? 0,
            firstNodeLinkedMs: ms(linked.compactMap { $0 }.min()), fullyLinkedMs: done ? ms(linked.compactMap { $0 }.max()) : nil,
            nodesLinked: linked.compactMap { $0 }.count,
            linksAtEnd: finals.map { $0?.links ?? -1 }, beaconsSentAtEnd: finals.map { $0?.discovery?.beaconsSent ?? -1 },
            stalled: stalled(nodes, finals))
    }

    /// A node silent this long after answering before is taken as stalled.
    static let silentSecondsMax = 10.0

    /// The nodes that did not answer `status` (`finals` nil), each with the share of a core it
    /// used over the next second: a node that answers nothing yet burns a core is stalled.
    static func stalled(_ nodes: [BenchNode], _ finals: [NodeStatus?]) -> [String] {
        zip(nodes, finals).compactMap { node, status in
            guard status == nil else { return nil }
            let before = (try? ProcStats.cpuMilliseconds(pid: node.pid)) ?? 0
            MonotonicClock.pause(milliseconds: 1000)
            let used = ((try? ProcStats.cpuMilliseconds(pid: node.pid)) ?? 0) - before
            return "\(node.name) (no status answer in 2 s; \(Int(used / 10)) % of a core over the next second)"
        }
    }

    /// Scenario 15: a LAN fully linked and settled, then idle for `seconds`: what each node sent.
    static func atRest(_ lab: BenchLab, nodes: [BenchNode], seconds: Double, settleSeconds: Double) throws -> [RestUsage] {
        MonotonicClock.pause(milliseconds: Int(settleSeconds * 1000))
        let before = try nodes.indices.map { try snapshot(lab, nodes[$0], host: $0 + 1) }
        let start = MonotonicClock.nanoseconds()
        progress("15/18 idle for \(Int(seconds)) s")
        MonotonicClock.pause(milliseconds: Int(seconds * 1000))
        let elapsed = Double(MonotonicClock.nanoseconds() - start) / 1e9
        let after: [RestSnapshot]
        do { after = try nodes.indices.map { try snapshot(lab, nodes[$0], host: $0 + 1) } } catch {
            let stalled = stalled(nodes, nodes.map { try? $0.status(timeoutMilliseconds: 2000) })
            throw BenchError.node("after the idle window: \(error); stalled: \(stalled.isEmpty ? "none" : stalled.joined(separator: "; "))")
        }
        return zip(before, after).enumerated().map { index, pair in
            RestUsage(node: nodes[index].name, seconds: elapsed, before: pair.0, after: pair.1)
        }
    }

    private static func snapshot(_ lab: BenchLab, _ node: BenchNode, host: Int) throws -> RestSnapshot {
        let status = try node.status(timeoutMilliseconds: 2000)
        let counters = try lab.counters(host)
        let links = try node.peers().filter(\.established).map { "\($0.address)@\($0.sinceMs)" }.sorted()
        return RestSnapshot(
            beaconsSent: status.discovery?.beaconsSent ?? 0, announcesLearnt: status.discovery?.announcesLearnt ?? 0,
            txBytes: counters.txBytes, txPackets: counters.txPackets, links: links,
            cpuMs: (try? ProcStats.cpuMilliseconds(pid: node.pid)) ?? 0)
    }
}

extension BenchNode {
    /// Starts `ferry run` inside host `host` of `lab`, listening on `listen`.
    func start(ferry: String, lab: BenchLab, host: Int, listen: String, extra: [String] = []) throws {
        let (executable, arguments) = lab.wrap(host: host, ferry, ["run", "--data", dataDir, "--listen", listen, "--log-level", "warning"] + extra)
        process = try ChildProcess.spawn(
            executable, arguments, name: "ferry run (\(name))", stdout: dataDir + "/node.out", stderr: dataDir + "/node.log")
    }

    func status(timeoutMilliseconds: Int) throws -> NodeStatus {
        let reply = try client().call(ControlRequest(op: "status"), timeoutMilliseconds: timeoutMilliseconds)
        guard reply.ok, let status = reply.status else { throw BenchError.node("\(name): status failed: \(reply.error ?? "?")") }
        return status
    }

    func peers() throws -> [PeerInfo] {
        let reply = try client().call(ControlRequest(op: "peers"), timeoutMilliseconds: 2000)
        guard reply.ok, let peers = reply.peers else { throw BenchError.node("\(name): peers failed: \(reply.error ?? "?")") }
        return peers
    }
}
