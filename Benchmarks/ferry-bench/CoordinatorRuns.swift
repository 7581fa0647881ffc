import Foundation

// Scenarios 9–12: a coordinator C (`ferry coordinator`) and nodes that use it. Each scenario runs on
// processes of its own, so no link, mailbox or backoff carries over from another.

/// Scenarios 9–12, those chosen, with the bounds they are compared with.
func coordinatorScenarios(_ options: Options, root: String, crypto: CryptoBound, probes: Probes) throws -> CoordinatorReport {
    var report = CoordinatorReport(crypto: crypto, probes: probes)
    if options.scenarios.contains(9) { report.through = try throughCoordinator(options, root: root + "/coordinator-9") }
    if options.scenarios.contains(10) { report.switchover = try coordinatorKilled(options, root: root + "/coordinator-10") }
    if options.scenarios.contains(11) { report.catchUp = try catchUp(options, root: root + "/coordinator-11") }
    if options.scenarios.contains(12) { report.links = try linksHeld(options, root: root + "/coordinator-12") }
    return report
}

/// Scenario 9: A → C → B, as scenario 5 with C in R's place: the sustained run with a `wait` per
/// message, then one at a time. A and B are linked only to C.
private func throughCoordinator(_ options: Options, root: String) throws -> [ScenarioResult] {
    let group = try CoordinatorGroup(ferry: options.ferry, root: root, withRelay: false)
    defer { group.stop() }
    progress("9/18 starting C, then B and A with C as --coordinator, in \(root)")
    try group.setUp()
    let recorder = try InboxRecorder(socketPath: group.b.socketPath, dataDir: group.b.dataDir)
    defer { recorder.stop() }
    let runner = ScenarioRunner(sender: group.a, nodes: [group.a, group.coordinator, group.b], recorder: recorder)
    var random = SeededRandom(seed: Payload.seed ^ 0x0009_0000)
    let big = Payload.texts(count: options.messages, byteCount: 256, random: &random)
    let small = Payload.texts(count: options.smallMessages, byteCount: 64, random: &random)
    progress("9/18 A → C → B sustained: \(big.count) × 256 B, up to \(Scenarios.pipelineDepthMax) sends outstanding, a wait for each")
    let sustained = try runner.run(name: "9 A → C → B, sustained", bodyBytes: 256, texts: big, Scenarios.sustainedWithProofs)
    progress("9/18 A → C → B one at a time: \(small.count) × 64 B, each waits for its delivery proof")
    let single = try runner.run(name: "9 A → C → B, one at a time", bodyBytes: 64, texts: small, Scenarios.oneAtATime)
    return [sustained, single]
}

/// Scenario 10: A–R–B with C, C SIGKILLed while A sends at a steady rate.
private func coordinatorKilled(_ options: Options, root: String) throws -> SwitchResult {
    let group = try CoordinatorGroup(ferry: options.ferry, root: root, withRelay: true)
    defer { group.stop() }
    progress("10/18 starting C, R, then B and A (A–R–B, all with C), in \(root)")
    try group.setUp()
    let recorder = try InboxRecorder(socketPath: group.b.socketPath, dataDir: group.b.dataDir)
    defer { recorder.stop() }
    progress("10/18 \(options.switchRate) msg/s × 64 B for \(Int(CoordinatorSwitch.beforeKillSeconds)) s, SIGKILL C, \(Int(CoordinatorSwitch.afterKillSeconds)) s more")
    return try CoordinatorSwitch(group: group, recorder: recorder, rate: options.switchRate).run()
}

/// Scenario 11: messages queued at A while C is down, delivered once C restarts.
private func catchUp(_ options: Options, root: String) throws -> CatchUpResult {
    let group = try CoordinatorGroup(ferry: options.ferry, root: root, withRelay: false)
    defer { group.stop() }
    progress("11/18 starting C, then B and A with C as --coordinator, in \(root)")
    try group.setUp()
    let recorder = try InboxRecorder(socketPath: group.b.socketPath, dataDir: group.b.dataDir)
    defer { recorder.stop() }
    progress("11/18 C stopped; A queues \(options.catchUpMessages) × 256 B for B; C restarts")
    return try CoordinatorCatchUp(group: group, recorder: recorder, count: options.catchUpMessages).run()
}

/// Scenario 12: links held by C alone.
private func linksHeld(_ options: Options, root: String) throws -> LinksResult {
    let group = try CoordinatorGroup(ferry: options.ferry, root: root, withRelay: false)
    defer { group.stop() }
    return try CoordinatorLinks(group: group, limit: options.links).run()
}
