import Foundation

// ferry-bench: message benchmarks with real `ferry run` processes on 127.0.0.1 (A→B direct, through
// relays, a relay's intake, through a coordinator and without it), an in-process set reconciliation,
// links held by one coordinator, discovery (LAN formation and rest traffic in network namespaces,
// announces along a chain, peer exchange), memory and disk per stored message, a whole testbed
// scenario, and the bounds they are compared with, measured in the same run. See docs/BENCHMARKS.md.

/// Measures everything; each pair is stopped by PID and the scratch directory removed whether the
/// scenarios succeed or not (kept, and its path printed, when they fail).
func benchmark(_ options: Options) throws -> BenchReport {
    progress("crypto bound: \(options.cryptoIterations) seals and opens")
    let crypto = try CryptoBound.measure(iterations: options.cryptoIterations, bodyBytes: 256)
    let scratch = try ScratchDirectory()
    var failed = true
    defer { scratch.remove(keep: options.keepLogs || failed) }
    let probes = try Probes.measure(directory: scratch.path, samples: 200)
    var linked: [ScenarioResult] = []
    var sustainedPercent: Double?
    if !options.scenarios.isDisjoint(with: [1, 2, 3]) {
        let (results, sustained) = try linkedScenarios(options, root: scratch.path + "/linked")
        linked = results
        sustainedPercent = sustained.map { $0.messagesPerSecond / crypto.boundMessagesPerSecondPerCore * 100 }
    }
    var report = BenchReport(
        machine: Machine.describe(ferryPath: options.ferry), crypto: crypto, probes: probes, scenarios: linked,
        sustainedPercentOfCryptoBound: sustainedPercent)
    if options.scenarios.contains(4) {
        report.queuedDrain = try queuedDrain(options, scratch: scratch.path)
    }
    if !options.scenarios.isDisjoint(with: [5, 6]) {
        report.relayed = RelayedReport(results: try relayedScenarios(options, root: scratch.path), crypto: crypto, probes: probes)
    }
    if options.scenarios.contains(7) {
        report.relayIntake = try relayIntake(options, scratch: scratch.path, crypto: crypto, probes: probes)
    }
    if options.scenarios.contains(8) {
        report.reconciliation = try ReconciliationReport.measure(items: options.syncItems)
    }
    if !options.scenarios.isDisjoint(with: 9...12) {
        report.coordinator = try coordinatorScenarios(options, root: scratch.path, crypto: crypto, probes: probes)
    }
    if !options.scenarios.isDisjoint(with: [13, 14, 15]) {
        report.discovery = try discoveryScenarios(options, scratch: scratch.path)
    }
    if options.scenarios.contains(16) {
        progress("16/18 memory: \(options.memoryMessages) × \(MemoryFootprint.bodyBytes) B stored in A's outbox, then in R's custody")
        let chain = try NodeChain(ferry: options.ferry, root: scratch.path + "/memory", relayCount: 1)
        defer { chain.stop() }
        report.memory = try MemoryFootprint(chain: chain, count: options.memoryMessages, envelopeBytes: crypto.envelopeBytes).run()
    }
    if options.scenarios.contains(17) {
        progress("17/18 testbed: ferry testbed \(options.testbedScenario) --json")
        report.testbed = TestbedRun(ferry: options.ferry, scenarioFile: options.testbedScenario, scratch: scratch.path).run()
        if let reason = report.testbed?.unavailable { progress("17/18 testbed not available: \(reason)") }
    }
    if options.scenarios.contains(18) {
        progress("18/18 peer exchange: \(options.exchangePeers) nodes in a mesh, then a newcomer with one of them as its seed")
        report.exchange = try ExchangeJoin(ferry: options.ferry, root: scratch.path + "/exchange", peers: options.exchangePeers).run()
    }
    failed = false
    return report
}

/// Scenarios 1–3, those chosen, in order on one linked pair. Payloads are drawn as before whichever
/// run, so a scenario sends the same bytes alone or with the others.
func linkedScenarios(_ options: Options, root: String) throws -> ([ScenarioResult], sustained: ScenarioResult?) {
    let pair = try NodePair(ferry: options.ferry, root: root)
    defer { pair.stop() }
    progress("starting nodes A and B in \(pair.root)")
    try pair.setUp()
    let recorder = try InboxRecorder(socketPath: pair.b.socketPath, dataDir: pair.b.dataDir)
    defer { recorder.stop() }
    let runner = ScenarioRunner(sender: pair.a, nodes: [pair.a, pair.b], recorder: recorder)

    var random = SeededRandom(seed: Payload.seed)
    let big = Payload.texts(count: options.messages, byteCount: 256, random: &random)
    let small = Payload.texts(count: options.smallMessages * 2, byteCount: 64, random: &random)
    let count = options.smallMessages
    var results: [ScenarioResult] = []
    var sustained: ScenarioResult?
    if options.scenarios.contains(1) {
        progress("1/18 sustained: \(options.messages) × 256 B, up to \(Scenarios.pipelineDepthMax) outstanding")
        let result = try runner.run(name: "1 sustained, pipelined", bodyBytes: 256, texts: big, Scenarios.sustained)
        sustained = result
        results.append(result)
    }
    if options.scenarios.contains(2) {
        progress("2/18 one at a time: \(count) × 64 B, each waits for its delivery proof")
        results.append(try runner.run(name: "2 one at a time", bodyBytes: 64, texts: Array(small[..<count]), Scenarios.oneAtATime))
    }
    if options.scenarios.contains(3) {
        progress("3/18 back to back: \(count) × 64 B, then a wait for every delivery proof")
        results.append(try runner.run(name: "3 back to back", bodyBytes: 64, texts: Array(small[count...]), Scenarios.burst))
    }
    return (results, sustained)
}

/// Scenario 4 on a pair of its own, so no link, outbox row or warm cache of scenarios 1–3 carries
/// over, with its bounds measured first while no node is running.
func queuedDrain(_ options: Options, scratch: String) throws -> DrainReport {
    let iterations = min(options.cryptoIterations, QueuedDrain.cryptoIterationsMax)
    progress("4/18 bounds: \(iterations) seals and opens of \(QueuedDrain.bodyBytes) B, durable writes")
    let crypto = try CryptoBound.measure(iterations: iterations, bodyBytes: QueuedDrain.bodyBytes)
    let disk = try DurableWrite.measure(directory: scratch)
    let pair = try NodePair(ferry: options.ferry, root: scratch + "/reconnect")
    defer { pair.stop() }
    progress("4/18 queued on reconnect: \(options.queuedMessages) × \(QueuedDrain.bodyBytes) B queued at A while B is down, then B starts and dials A")
    let result = try QueuedDrain(pair: pair, count: options.queuedMessages, envelopeBytes: crypto.envelopeBytes).run()
    return DrainReport(result: result, crypto: crypto, durableWrite: disk)
}

func progress(_ text: String) {
    FileHandle.standardError.write(Data("ferry-bench: \(text)\n".utf8))
}

do {
    let options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
    let report = try benchmark(options)
    print(options.summary ? report.summary() : options.json ? report.json() : report.markdown())
} catch BenchError.usage(let text) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("ferry-bench: \(error)\n".utf8))
    exit(1)
}
