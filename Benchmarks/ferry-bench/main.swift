import Foundation

// ferry-bench: A→B message benchmarks with real `ferry run` processes on 127.0.0.1, plus the
// in-process crypto bound they are compared with. See docs/BENCHMARKS.md.

/// Measures everything; the pair is torn down (processes stopped by PID, directory removed)
/// whether the scenarios succeed or not.
func benchmark(_ options: Options) throws -> BenchReport {
    progress("crypto bound: \(options.cryptoIterations) seals and opens")
    let crypto = try CryptoBound.measure(iterations: options.cryptoIterations, bodyBytes: 256)
    let pair = try NodePair(ferry: options.ferry)
    var failed = true
    defer { pair.tearDown(keepLogs: options.keepLogs || failed) }
    let probes = try Probes.measure(directory: pair.root, samples: 200)
    progress("starting nodes A and B in \(pair.root)")
    try pair.setUp()
    let recorder = try InboxRecorder(socketPath: pair.b.socketPath, dataDir: pair.b.dataDir)
    defer { recorder.stop() }
    let runner = ScenarioRunner(pair: pair, recorder: recorder)

    var random = SeededRandom(seed: Payload.seed)
    let big = Payload.texts(count: options.messages, byteCount: 256, random: &random)
    let small = Payload.texts(count: options.smallMessages * 2, byteCount: 64, random: &random)
    let count = options.smallMessages
    progress("1/3 sustained: \(options.messages) × 256 B, up to \(Scenarios.pipelineDepthMax) outstanding")
    let sustained = try runner.run(name: "1 sustained, pipelined", bodyBytes: 256, texts: big, Scenarios.sustained)
    progress("2/3 one at a time: \(count) × 64 B, each waits for its receipt")
    let single = try runner.run(name: "2 one at a time", bodyBytes: 64, texts: Array(small[..<count]), Scenarios.oneAtATime)
    progress("3/3 back to back: \(count) × 64 B, then wait for all receipts")
    let burst = try runner.run(name: "3 back to back", bodyBytes: 64, texts: Array(small[count...]), Scenarios.burst)
    failed = false
    return BenchReport(
        machine: Machine.describe(ferryPath: options.ferry), crypto: crypto, probes: probes,
        scenarios: [sustained, single, burst],
        sustainedPercentOfCryptoBound: sustained.messagesPerSecond / crypto.boundMessagesPerSecondPerCore * 100)
}

func progress(_ text: String) {
    FileHandle.standardError.write(Data("ferry-bench: \(text)\n".utf8))
}

do {
    let options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
    let report = try benchmark(options)
    print(options.json ? report.json() : report.markdown())
} catch BenchError.usage(let text) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("ferry-bench: \(error)\n".utf8))
    exit(1)
}
