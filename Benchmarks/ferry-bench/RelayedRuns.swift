import Foundation

// Scenarios 5–7: messages through relays, each topology on nodes of its own so nothing carries
// over from another scenario.

/// Scenarios 5 (A → R → B) and 6 (A → R1 → R2 → R3 → B), those chosen: on each chain, first the
/// sustained run (as scenario 1, with a `wait` per message), then one at a time (as scenario 2).
func relayedScenarios(_ options: Options, root: String) throws -> [ScenarioResult] {
    var results: [ScenarioResult] = []
    for (number, relays) in [(5, 1), (6, 3)] where options.scenarios.contains(number) {
        results += try relayedChain(options, number: number, relayCount: relays, root: root + "/chain-\(number)")
    }
    return results
}

private func relayedChain(_ options: Options, number: Int, relayCount: Int, root: String) throws -> [ScenarioResult] {
    let chain = try NodeChain(ferry: options.ferry, root: root, relayCount: relayCount)
    defer { chain.stop() }
    let route = chain.path.map(\.name).joined(separator: " → ")
    progress("\(number)/18 starting \(route) in \(root)")
    try chain.setUp()
    let recorder = try InboxRecorder(socketPath: chain.b.socketPath, dataDir: chain.b.dataDir)
    defer { recorder.stop() }
    let runner = ScenarioRunner(sender: chain.a, nodes: chain.path, recorder: recorder)

    // A seed per scenario, so each sends the same bytes whichever others run.
    var random = SeededRandom(seed: Payload.seed ^ (UInt64(number) << 16))
    let big = Payload.texts(count: options.relayMessages, byteCount: 256, random: &random)
    let small = Payload.texts(count: options.smallMessages, byteCount: 64, random: &random)
    let label = relayCount == 1 ? "through one relay" : "chain of \(relayCount) relays"
    progress("\(number)/18 \(route) sustained: \(big.count) × 256 B, up to \(Scenarios.pipelineDepthMax) sends outstanding, a wait for each")
    let sustained = try runner.run(name: "\(number) \(label), sustained", bodyBytes: 256, texts: big, Scenarios.sustainedWithProofs)
    progress("\(number)/18 \(route) one at a time: \(small.count) × 64 B, each waits for its delivery proof")
    let single = try runner.run(name: "\(number) \(label), one at a time", bodyBytes: 64, texts: small, Scenarios.oneAtATime)
    return [sustained, single]
}

/// Scenario 7 on A and R of their own (B is only a contact of A, never started), with its disk
/// and framing bounds measured first while no node is running.
func relayIntake(_ options: Options, scratch: String, crypto: CryptoBound, probes: Probes) throws -> IntakeReport {
    progress("7/18 bounds: durable writes, framing")
    let disk = try DurableWrite.measure(directory: scratch)
    let framing = try FramingProbe.measure(envelopeBytes: crypto.envelopeBytes, samples: 20_000)
    let chain = try NodeChain(ferry: options.ferry, root: scratch + "/intake", relayCount: 1)
    defer { chain.stop() }
    progress("7/18 relay intake: \(options.relayMessages) × 256 B queued at A, then R starts and takes one relay copy of each")
    let result = try RelayIntake(chain: chain, count: options.relayMessages, envelopeBytes: crypto.envelopeBytes).run()
    return IntakeReport(
        result: result, fdatasyncP50Microseconds: probes.fdatasyncP50Microseconds, durableWrite: disk,
        framingMicroseconds: framing)
}
