import Foundation

/// The figures of scenario 17, or why there are none.
struct TestbedResult: Codable {
    var scenarioFile: String
    /// Why the run gave no figures (no file, no `ferry testbed`, no report); nil when it did.
    var unavailable: String?
    var scenario: String?
    var passed: Bool?
    var nodes = 0
    var sent = 0
    var delivered = 0
    var duplicates = 0
    var p50Ms: Double?
    var p99Ms: Double?
    /// The largest peak RSS the runner sampled of any node or coordinator, and whose it was.
    var maxPeakRssKibibytes: Int?
    var maxPeakRssNode: String?
    /// VmRSS of one node started alone and idle for a second, just before the run: what the peaks
    /// are compared with.
    var idleRssKibibytes: Int?
    var wallSeconds = 0.0
}

/// Scenario 17: a whole testbed scenario (`ferry testbed FILE --json`, docs/TESTBED.md), by default
/// examples/scenarios/twenty-nodes.yaml: twenty nodes and a coordinator, mixed traffic, a coordinator
/// outage and a node crash. The runner starts and stops every process itself; the bench reads the
/// run report it prints and takes delivered / sent, duplicates, latency p50 / p99 over every
/// delivered message, and the largest peak RSS of any node. Where the file or the command is
/// missing, or no report comes out, the scenario says so and gives no figures; it never fails the
/// bench, since the testbed is the one part measured through another command.
struct TestbedRun {
    let ferry: String
    let scenarioFile: String
    let scratch: String

    /// Bound on the run: the runner bounds itself by the scenario's deadline, this only catches a hang.
    static let runSeconds: Double = 600

    func run() -> TestbedResult {
        var result = TestbedResult(scenarioFile: scenarioFile)
        guard FileManager.default.fileExists(atPath: scenarioFile) else {
            result.unavailable = "no scenario file \(scenarioFile)"
            return result
        }
        result.idleRssKibibytes = try? idleNodeRss()
        progress("17/18 an idle node's RSS: \(result.idleRssKibibytes.map { "\($0) KiB" } ?? "not measured"); now the testbed")
        let out = scratch + "/testbed.json", err = scratch + "/testbed.err"
        let start = MonotonicClock.nanoseconds()
        let status: Int32
        do {
            let child = try ChildProcess.spawn(ferry, ["testbed", scenarioFile, "--json"], name: "ferry testbed", stdout: out, stderr: err)
            defer { child.stop(graceSeconds: 30) }
            status = try child.waitForExit(Deadline(seconds: Self.runSeconds, what: "ferry testbed \(scenarioFile)"))
        } catch {
            result.unavailable = "ferry testbed did not finish: \(error)"
            return result
        }
        result.wallSeconds = Double(MonotonicClock.nanoseconds() - start) / 1e9
        guard let data = FileManager.default.contents(atPath: out), !data.isEmpty,
              let report = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            // The first line of its error output says why (an unknown subcommand, a bad file).
            let reason = (try? String(contentsOfFile: err, encoding: .utf8))?.split(separator: "\n").first.map(String.init) ?? ""
            result.unavailable = "ferry testbed gave no report (\(Self.describe(status))\(reason.isEmpty ? "" : ": " + reason))"
            return result
        }
        Self.read(report, into: &result)
        return result
    }

    /// One node alone, idle for `MemoryFootprint.idleMilliseconds`, then stopped: its VmRSS.
    private func idleNodeRss() throws -> Int {
        let node = BenchNode(name: "idle", dataDir: scratch + "/testbed-idle")
        defer { node.process?.stop() }
        try node.initialize(ferry: ferry, scratch: scratch)
        try node.start(ferry: ferry, extra: NodeChain.noDiscovery)
        _ = try node.waitForStatus(Deadline(seconds: 20, what: "the idle node's control socket")) { _ in true }
        MonotonicClock.pause(milliseconds: MemoryFootprint.idleMilliseconds)
        return try ProcStats.residentKiB(pid: node.pid)
    }

    /// A wait status as people say it: "exit status 64", "killed by signal 9".
    static func describe(_ status: Int32) -> String {
        status & 0x7F == 0 ? "exit status \((status >> 8) & 0xFF)" : "killed by signal \(status & 0x7F)"
    }

    /// Takes the figures from a run report (RunReport in FerryTestbed). Keys are looked up in
    /// snake_case and in camelCase, so either JSON spelling of the model reads.
    static func read(_ report: [String: Any], into result: inout TestbedResult) {
        result.scenario = report["scenario"] as? String
        result.passed = report["passed"] as? Bool
        let messages = report["messages"] as? [[String: Any]] ?? []
        var latencies: [UInt64] = []
        for message in messages {
            result.sent += 1
            result.duplicates += number(message, "duplicates").map { Int($0) } ?? 0
            guard let sent = number(message, "sent_ms"), let delivered = number(message, "delivered_ms") else { continue }
            result.delivered += 1
            latencies.append(UInt64(max(delivered - sent, 0) * 1e6))
        }
        if !latencies.isEmpty {
            let summary = LatencySummary(nanoseconds: latencies)
            result.p50Ms = summary.p50Ms
            result.p99Ms = summary.p99Ms
        }
        let nodes = report["nodes"] as? [[String: Any]] ?? []
        result.nodes = nodes.count
        for node in nodes {
            guard let peak = number(node, "peak_rss_kib").map({ Int($0) }) else { continue }
            if peak > result.maxPeakRssKibibytes ?? -1 {
                result.maxPeakRssKibibytes = peak
                result.maxPeakRssNode = node["name"] as? String
            }
        }
    }

    /// A number under `snake` or under its camelCase spelling ("sent_ms" or "sentMs").
    private static func number(_ object: [String: Any], _ snake: String) -> Double? {
        let parts = snake.split(separator: "_")
        let camel = String(parts[0]) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        for key in [snake, camel] {
            if let value = object[key] as? NSNumber { return value.doubleValue }
        }
        return nil
    }

    static func markdown(_ r: TestbedResult) -> [String] {
        let header = [
            "",
            "| scenario | file | verdict | nodes | delivered / sent | duplicates | latency p50 / p99 ms | max peak RSS of a node MiB | run s |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        guard r.unavailable == nil else {
            return header + ["| 17 testbed | \(r.scenarioFile) | not available: \(r.unavailable ?? "") | | | | | | |"]
        }
        let latency = "\(r.p50Ms.map { f($0, 0) } ?? "–") / \(r.p99Ms.map { f($0, 0) } ?? "–")"
        let rss = r.maxPeakRssKibibytes.map { "\(f(Double($0) / 1024, 1)) (\(r.maxPeakRssNode ?? "?"))" } ?? "–"
        let cells = [
            "17 testbed \(r.scenario ?? "")", r.scenarioFile, r.passed == true ? "PASS" : "FAIL", "\(r.nodes)",
            "\(r.delivered) / \(r.sent)", "\(r.duplicates)", latency, rss, f(r.wallSeconds, 0),
        ]
        return header + ["| " + cells.joined(separator: " | ") + " |"]
    }

    private static func f(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}
