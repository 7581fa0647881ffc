import FerryControl
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Every scenario shipped in examples/scenarios, run through the built `ferry testbed FILE --json`
/// on 127.0.0.1 and again with `--hosts netns` (skipped where namespaces cannot be made): the run
/// exits 0, every message sent was delivered, none twice, and nothing of the run is left. One test
/// method per file and host kind, so a failure names the scenario; a guard test fails when a file
/// has no method. A failing run prints its report's failures and the last lines of every log.
final class ShippedScenarioTests: IntegrationTestCase {
    /// A shipped scenario's deadline is at most 60 s; setup, cleanup and a loaded machine on top.
    static let runSecondsMax: TimeInterval = 150
    static let logTailLines = 15

    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/scenarios").path
    }

    func testChurn() throws { try runShipped("churn") }
    func testCoordinatorOutage() throws { try runShipped("coordinator-outage") }
    func testDataMule() throws { try runShipped("data-mule") }
    func testLossyLinks() throws { try runShipped("lossy-links") }
    func testPartitionHeal() throws { try runShipped("partition-heal") }
    func testRelayCrash() throws { try runShipped("relay-crash") }
    func testTwentyNodes() throws { try runShipped("twenty-nodes") }

    func testChurnInNetns() throws { try runShipped("churn", hosts: "netns") }
    func testCoordinatorOutageInNetns() throws { try runShipped("coordinator-outage", hosts: "netns") }
    func testDataMuleInNetns() throws { try runShipped("data-mule", hosts: "netns") }
    func testLossyLinksInNetns() throws { try runShipped("lossy-links", hosts: "netns") }
    func testPartitionHealInNetns() throws { try runShipped("partition-heal", hosts: "netns") }
    func testRelayCrashInNetns() throws { try runShipped("relay-crash", hosts: "netns") }
    func testTwentyNodesInNetns() throws { try runShipped("twenty-nodes", hosts: "netns") }

    /// Each file in examples/scenarios has a test method above for each host kind, named after it
    /// (`coordinator-outage.yaml`: `testCoordinatorOutage`, `testCoordinatorOutageInNetns`).
    func testEveryShippedScenarioHasATestOnEachHostKind() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertFalse(files.isEmpty, "no scenarios in \(Self.directory)")
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        for file in files {
            let method = "test" + file.dropLast(".yaml".count).split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
            for name in [method, method + "InNetns"] {
                XCTAssertTrue(source.contains("func \(name)() throws { try runShipped(\"\(file.dropLast(".yaml".count))\""),
                    "examples/scenarios/\(file) has no test method \(name) in ShippedScenarioTests")
            }
        }
    }

    // MARK: Running one

    /// The parts of the JSON run report these tests read.
    struct Report: Decodable {
        struct Message: Decodable {
            var id: String
            var from: String
            var to: String
            var deliveredMs: UInt64?
            var duplicates: Int
        }
        struct Result: Decodable {
            var description: String
            var held: Bool
            var detail: String
        }
        var scenario: String
        var hosts: String
        var durationMs: UInt64
        var passed: Bool
        var messages: [Message]
        var expectations: [Result]
        var hostsNotes: [String]?
    }

    private func runShipped(_ name: String, hosts: String = "loopback", file: StaticString = #filePath, line: UInt = #line) throws {
        let path = Self.directory + "/" + name + ".yaml"
        let out = scratch.appendingPathComponent("\(name).json").path
        let err = scratch.appendingPathComponent("\(name).err").path
        let started = Date()
        let runner = try ChildProcess(
            executable: try Harness.ferry(), arguments: ["testbed", path, "--json", "--keep", "--hosts", hosts], stdinPath: nil,
            stdoutPath: out, stderrPath: err)
        let ended = runner.wait(seconds: Self.runSecondsMax) ?? { runner.killNow(); return nil }()
        let stdout = String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self)
        let stderr = String(decoding: FileManager.default.contents(atPath: err) ?? Data(), as: UTF8.self)
        let trace = TestbedRunTests.RunTrace(stderr)
        defer { removeKept(trace) }
        if ended == .exited(4) {
            throw XCTSkip("--hosts \(hosts) cannot run here: \(stderr.split(separator: "\n").last ?? "")")
        }
        print("\(name) on \(hosts): \(ended.map { "\($0)" } ?? "killed") in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        guard ended == .exited(0) else {
            XCTFail("\(name) on \(hosts) ended with \(ended.map { "\($0)" } ?? "no end within \(Self.runSecondsMax) s"); \(explain(stdout, stderr, trace))", file: file, line: line)
            return
        }
        let report = try ControlJSON.decode(Report.self, from: Array((stdout.split(separator: "\n").last ?? "").utf8))
        XCTAssertEqual(report.scenario, name, file: file, line: line)
        XCTAssertEqual(report.hosts, hosts, file: file, line: line)
        XCTAssertTrue(report.passed, explain(stdout, stderr, trace), file: file, line: line)
        XCTAssertFalse(report.messages.isEmpty, "\(name) sent nothing", file: file, line: line)
        let undelivered = report.messages.filter { $0.deliveredMs == nil }
        XCTAssertEqual(undelivered.count, 0, "not delivered: \(undelivered.prefix(5).map { "\($0.id.prefix(8)) \($0.from)→\($0.to)" })", file: file, line: line)
        let doubled = report.messages.filter { $0.duplicates > 0 }
        XCTAssertEqual(doubled.count, 0, "shown twice: \(doubled.prefix(5).map { "\($0.id.prefix(8)) \($0.from)→\($0.to)" })", file: file, line: line)
        if let notes = report.hostsNotes { print("\(name) on \(hosts): \(notes.joined(separator: "; "))") }
        assertNothingLeft(trace, runner: runner.pid, file: file, line: line)
    }

    /// No process of the run alive (by PID, and only if its command line names the run
    /// directory), and no namespace of the runner's left.
    private func assertNothingLeft(_ trace: TestbedRunTests.RunTrace, runner: pid_t, file: StaticString, line: UInt) {
        XCTAssertFalse(trace.pids.isEmpty, "the run did not say which processes it started", file: file, line: line)
        for pid in trace.pids where TestbedRunTests.isAlive(pid, naming: trace.directory ?? "?") {
            XCTFail("process \(pid) of the run is still alive", file: file, line: line)
            kill(pid, SIGKILL)
        }
        guard let list = try? NetnsTool.namespaces() else { return }
        let left = list.filter { $0 == "ferrytb-\(runner)" || $0.hasPrefix("ferrytb-\(runner)-") }
        XCTAssertEqual(left, [], "network namespaces of the run left behind", file: file, line: line)
    }

    /// What went wrong, for a failure message: the failed expectations and the tail of every log.
    private func explain(_ stdout: String, _ stderr: String, _ trace: TestbedRunTests.RunTrace) -> String {
        var text = "stderr: \(stderr.suffix(3_000))"
        if let report = try? ControlJSON.decode(Report.self, from: Array((stdout.split(separator: "\n").last ?? "").utf8)) {
            text += "\nfailed: " + report.expectations.filter { !$0.held }.map { "\($0.description): \($0.detail)" }.joined(separator: "; ")
        }
        guard let directory = trace.directory,
            let logs = try? FileManager.default.contentsOfDirectory(atPath: directory).filter({ $0.hasSuffix(".log") }).sorted()
        else { return text }
        for log in logs {
            let lines = (try? String(contentsOfFile: directory + "/" + log, encoding: .utf8))?.split(separator: "\n").suffix(Self.logTailLines) ?? []
            text += "\n--- \(log) ---\n" + lines.joined(separator: "\n")
        }
        return text
    }

    /// The run was kept (`--keep`) so that a failure can show its logs (a runner killed for its
    /// time leaves it too); remove it now.
    private func removeKept(_ trace: TestbedRunTests.RunTrace) {
        guard let directory = trace.directory, directory.contains("/ferry-testbed-") else { return }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
