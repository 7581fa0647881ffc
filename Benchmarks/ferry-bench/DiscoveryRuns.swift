import FerryControl
import Foundation

/// Scenarios 13–15, those chosen. 13 and 15 need network namespaces and are skipped, with one line
/// saying why, where they cannot be made; 14 runs on 127.0.0.1.
func discoveryScenarios(_ options: Options, scratch: String) throws -> DiscoveryReport {
    var report = DiscoveryReport()
    let lanWanted = !options.scenarios.isDisjoint(with: [13, 15])
    let unavailable = lanWanted ? BenchLab.unavailableReason(scratch: scratch) : nil
    if let unavailable {
        for number in [13, 15] where options.scenarios.contains(number) {
            report.skipped.append(SkippedScenario(number: number, reason: unavailable))
            progress("\(number)/18 skipped: \(unavailable)")
        }
    }
    if options.scenarios.contains(13) && unavailable == nil {
        for size in [4, 12] {
            progress("13/18 LAN of \(size): every node listens on its lab address, no --peer; until each has \(min(size - 1, LanScenarios.targetLinks)) links")
            report.lanFormation.append(try onLan(size, root: scratch + "/lan\(size)", options) { lab, nodes in
                try LanScenarios.formation(lab, nodes: nodes, ferry: options.ferry)
            })
        }
    }
    if options.scenarios.contains(14) {
        progress("14/18 a \(ChainJoin.chainLength)-node chain on 127.0.0.1 (--no-discovery), \(options.joinTrials) new nodes joining its first node")
        report.joinTrials = try ChainJoin.run(ferry: options.ferry, root: scratch + "/join", trials: options.joinTrials)
        report.chainLength = ChainJoin.chainLength
    }
    if options.scenarios.contains(15) && unavailable == nil {
        progress("15/18 LAN of 4 at rest: linked, settled \(Int(LanScenarios.settleSeconds)) s, then idle \(options.idleSeconds) s")
        report.atRest = try onLan(4, root: scratch + "/rest", options) { lab, nodes in
            let formed = try LanScenarios.formation(lab, nodes: nodes, ferry: options.ferry)
            guard formed.fullyLinkedMs != nil else {
                throw BenchError.node("the LAN of 4 did not fully link; stalled: \(formed.stalled.isEmpty ? "none" : formed.stalled.joined(separator: "; "))")
            }
            return try LanScenarios.atRest(lab, nodes: nodes, seconds: Double(options.idleSeconds), settleSeconds: LanScenarios.settleSeconds)
        }
    }
    return report
}

/// Makes a lab of `size` hosts and a node for each, runs `body`, then stops the nodes by pid and
/// deletes the lab, whatever happened.
private func onLan<T>(_ size: Int, root: String, _ options: Options, _ body: (BenchLab, [BenchNode]) throws -> T) throws -> T {
    let lab = try BenchLab(hosts: size, directory: root + "/lab")
    defer { lab.teardown() }
    let nodes = try LanScenarios.nodes(lab, root: root, ferry: options.ferry)
    defer { for node in nodes { node.process?.stop() } }
    return try body(lab, nodes)
}

/// Scenario 14: C1 ← C2 ← … ← C5 on 127.0.0.1 with discovery off, each dialling the one before
/// (pinned). A new node starts with C1 as its seed; its announce goes C1 → … → C5. The bench
/// polls C5's `directory` (the control request `ferry directory --json` makes) until the new
/// address is listed, and the new node's status until it is linked.
enum ChainJoin {
    static let chainLength = 5
    static let pollMilliseconds = 5

    static func run(ferry: String, root: String, trials: Int) throws -> [JoinTrial] {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let chain = (1...chainLength).map { BenchNode(name: "C\($0)", dataDir: root + "/c\($0)") }
        var started: [BenchNode] = chain
        defer { for node in started { node.process?.stop() } }
        let deadline = Deadline(seconds: 60, what: "starting the chain")
        var previous: BenchNode?
        for node in chain {
            try node.initialize(ferry: ferry, scratch: root)
            try node.start(ferry: ferry, extra: ["--no-discovery"] + (try previous?.seed(deadline) ?? []))
            previous = node
        }
        for (index, node) in chain.enumerated() {
            _ = try node.waitForStatus(deadline) { $0.links >= (index == 0 || index == chainLength - 1 ? 1 : 2) }
        }
        var results: [JoinTrial] = []
        for trial in 1...trials {
            let joiner = BenchNode(name: "N\(trial)", dataDir: root + "/n\(trial)")
            started.append(joiner)
            try joiner.initialize(ferry: ferry, scratch: root)
            results.append(try join(joiner, first: chain[0], far: chain[chainLength - 1], ferry: ferry))
            joiner.process?.stop()
        }
        return results
    }

    private static func join(_ joiner: BenchNode, first: BenchNode, far: BenchNode, ferry: String) throws -> JoinTrial {
        let seed = try first.seed(Deadline(seconds: 10, what: "C1's port"))
        let start = MonotonicClock.nanoseconds()
        try joiner.start(ferry: ferry, extra: ["--no-discovery"] + seed)
        var linked: UInt64?
        let deadline = Deadline(seconds: 60, what: "\(joiner.name) listed at \(far.name)")
        while true {
            if linked == nil, let status = try? joiner.status(timeoutMilliseconds: 1000), status.links >= 1 { linked = MonotonicClock.nanoseconds() }
            let reply = try far.client().call(ControlRequest(op: "directory"), timeoutMilliseconds: 5000)
            if reply.directory?.contains(where: { $0.address == joiner.address }) == true { break }
            try deadline.check()
            MonotonicClock.pause(milliseconds: pollMilliseconds)
        }
        let listed = MonotonicClock.nanoseconds()
        // The link comes before the listing; a link the poll had not seen yet is stamped with it.
        let linkedAt = linked ?? listed
        return JoinTrial(linkedMs: Double(linkedAt - start) / 1e6, listedMs: Double(listed - start) / 1e6)
    }
}
