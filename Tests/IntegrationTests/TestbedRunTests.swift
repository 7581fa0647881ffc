import FerryControl
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `ferry testbed` and `ferry demo` end to end through the built binary: small scenario files on
/// 127.0.0.1, the exit status, the report, and that nothing is left behind (processes by PID, the
/// run directory), also when the runner is interrupted.
final class TestbedRunTests: IntegrationTestCase {
    /// Longest a small scenario may take, setup and cleanup included.
    static let runSecondsMax: TimeInterval = 90

    /// The parts of the JSON run report these tests read.
    struct Report: Decodable {
        struct Message: Decodable {
            var from: String
            var to: String
            var deliveredMs: UInt64?
            var path: String?
            var hops: Int?
            var duplicates: Int
        }
        struct Fault: Decodable {
            var kind: String
            var description: String
        }
        struct Result: Decodable {
            var description: String
            var held: Bool
            var detail: String
        }
        struct Node: Decodable {
            var name: String
            var role: String
            var peakRssKib: UInt64?
        }
        var scenario: String
        var passed: Bool
        var messages: [Message]
        var faults: [Fault]
        var expectations: [Result]
        var nodes: [Node]
    }

    /// What a run printed about itself: its directory and the PIDs it started.
    struct RunTrace {
        var directory: String?
        var pids: [Int32]

        init(_ text: String) {
            directory = text.split(separator: "\n").compactMap { line -> String? in
                guard let range = line.range(of: "run directory ") else { return nil }
                return String(line[range.upperBound...])
            }.first
            pids = text.split(separator: "\n").compactMap { line -> Int32? in
                guard let range = line.range(of: "(pid ") else { return nil }
                return Int32(line[range.upperBound...].prefix { $0.isNumber })
            }
        }
    }

    private func writeScenario(_ name: String, _ text: String) throws -> String {
        let path = scratch.appendingPathComponent("\(name).yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func decodeReport(_ result: CLIResult) throws -> Report {
        guard let line = result.stdoutLines.last else { throw HarnessError("no report on stdout: \(result)") }
        return try ControlJSON.decode(Report.self, from: Array(line.utf8))
    }

    /// No process the run started is alive (each checked by PID, and a PID now used by someone
    /// else does not count: its command line does not name the run directory), and the run
    /// directory is gone.
    private func assertNothingLeft(_ trace: RunTrace, file: StaticString = #filePath, line: UInt = #line) {
        guard let directory = trace.directory else { return XCTFail("the run did not say its directory", file: file, line: line) }
        XCTAssertFalse(trace.pids.isEmpty, "the run did not say which processes it started", file: file, line: line)
        for pid in trace.pids where Self.isAlive(pid, naming: directory) {
            XCTFail("process \(pid) of the run is still alive", file: file, line: line)
            kill(pid, SIGKILL)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory), "\(directory) was left behind", file: file, line: line)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// True if `pid` is a live process (not a zombie) whose command line names `directory`.
    static func isAlive(_ pid: Int32, naming directory: String) -> Bool {
        guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        let state = stat.split(separator: ")").last?.split(separator: " ").first
        guard state != "Z", let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        return String(decoding: command, as: UTF8.self).contains(directory)
    }

    func testAScenarioThatHoldsExitsZeroWithEverythingDeliveredAndNothingLeft() throws {
        let file = try writeScenario("two", """
            name: two-nodes
            deadline: 20s
            nodes:
              - name: a
                peers: [b]
              - name: b
            timeline:
              - at: 500ms
                send: {from: a, to: b, count: 3}
            expect:
              - all_delivered: {within: 10s}
              - no_duplicates
              - path: {via: direct}
            """)
        let html = scratch.appendingPathComponent("report.html").path
        let result = try ferry(["testbed", file, "--json", "--report", html], timeout: Self.runSecondsMax)
        XCTAssertEqual(result.exitCode, 0, "\(result)")
        let report = try decodeReport(result)
        XCTAssertTrue(report.passed)
        XCTAssertEqual(report.messages.count, 3)
        XCTAssertTrue(report.messages.allSatisfy { $0.deliveredMs != nil && $0.path == "direct" && $0.hops == 1 && $0.duplicates == 0 })
        XCTAssertEqual(report.expectations.map(\.held), [true, true, true])
        XCTAssertEqual(report.nodes.map(\.name), ["a", "b"])
        XCTAssertTrue(report.nodes.allSatisfy { ($0.peakRssKib ?? 0) > 0 }, "peak RSS sampled for each node")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertTrue(page.lowercased().hasPrefix("<!doctype html"), page.prefix(100).description)
        assertNothingLeft(RunTrace(result.stderr))
    }

    func testAnExpectationThatFailsExitsOneAndSaysWhy() throws {
        let file = try writeScenario("gone", """
            name: never-back
            deadline: 20s
            nodes:
              - name: a
                peers: [b]
              - name: b
            timeline:
              - at: 500ms
                stop: b
              - at: 1s
                send: {from: a, to: b, count: 2}
            expect:
              - all_delivered: {within: 3s}
            """)
        let result = try ferry(["testbed", file], timeout: Self.runSecondsMax)
        XCTAssertEqual(result.exitCode, 1, "\(result)")
        XCTAssertTrue(result.stdout.contains("✗ all delivered within 3 s: 2 of 2 not delivered within 3 s"), result.stdout)
        XCTAssertTrue(result.stdout.contains("Summary: delivered 0/2"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("FAILED: 1 of 1 expectations did not hold\n"), result.stdout)
        assertNothingLeft(RunTrace(result.stdout))
    }

    func testAKilledRelayRestartsAndDeliversFromItsDisk() throws {
        let file = try writeScenario("relay", """
            name: relay-restart
            deadline: 40s
            nodes:
              - name: a
                peers: [r]
              - name: r
                peers: [b]
              - name: b
            timeline:
              - at: 500ms
                send: {from: a, to: b, count: 2}
              - at: 2s
                kill: r
              - at: 2500ms
                send: {from: a, to: b, count: 2}
              - at: 4s
                restart: r
            expect:
              - all_delivered: {within: 25s}
              - no_duplicates
            """)
        let result = try ferry(["testbed", file, "--json", "--keep", "--seed", "42"], timeout: Self.runSecondsMax)
        XCTAssertEqual(result.exitCode, 0, "\(result)")
        let report = try decodeReport(result)
        XCTAssertEqual(report.faults.map(\.kind), ["kill", "restart"])
        XCTAssertEqual(report.messages.count, 4)
        XCTAssertTrue(report.messages.allSatisfy { $0.path == "mesh" && $0.hops == 2 }, "\(report.messages)")
        let trace = RunTrace(result.stderr)
        XCTAssertEqual(trace.pids.count, 4, "a, r, b, and r again")
        let directory = try XCTUnwrap(trace.directory)
        XCTAssertTrue(result.stderr.contains("kept \(directory)"), result.stderr)
        for name in ["a", "r", "b"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(directory)/\(name).log"), "\(name).log kept")
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(directory)/\(name)/identity.key"), "\(name)'s data kept")
        }
        try FileManager.default.removeItem(atPath: directory)
        for pid in trace.pids { XCTAssertFalse(Self.isAlive(pid, naming: directory), "pid \(pid) left running") }
    }

    func testCtrlCStopsEveryProcessAndRemovesTheRunDirectory() throws {
        let file = try writeScenario("long", """
            name: long-run
            deadline: 60s
            nodes:
              - name: a
                peers: [b]
              - name: b
                peers: [c]
              - name: c
            timeline:
              - at: 0s
                rate: {from: a, to: c, per_second: 2, for: 50s}
            expect:
              - all_delivered
            """)
        let out = scratch.appendingPathComponent("long.out").path
        let runner = try ChildProcess(
            executable: try Harness.ferry(), arguments: ["testbed", file], stdinPath: nil, stdoutPath: out,
            stderrPath: scratch.appendingPathComponent("long.err").path)
        defer { if runner.isRunning { runner.killNow() } }
        let printed = { String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self) }
        try waitUntil("the timeline is running", seconds: 30) { printed().contains("send a→c") }
        let before = RunTrace(printed())
        XCTAssertEqual(before.pids.count, 3)
        XCTAssertTrue(before.pids.allSatisfy { Self.isAlive($0, naming: before.directory ?? "?") }, "the nodes run before Ctrl-C")
        kill(runner.pid, SIGINT)
        let ended = runner.wait(seconds: 20)
        XCTAssertEqual(ended, .exited(130), printed())
        assertNothingLeft(RunTrace(printed()))
    }

    func testABadScenarioFileExitsTwoNamingTheLine() throws {
        let file = try writeScenario("bad", """
            name: bad
            nodes:
              - name: a
            timeline:
              - at: 1s
                kill: zz
            """)
        let result = try ferry(["testbed", file])
        XCTAssertEqual(result.exitCode, 2, "\(result)")
        XCTAssertTrue(result.stderr.contains("bad.yaml:6:"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    func testTheDemoTellsItsStoryAndPasses() throws {
        let result = try ferry(["demo", "--json"], timeout: 120)
        XCTAssertEqual(result.exitCode, 0, "\(result)")
        let report = try decodeReport(result)
        XCTAssertTrue(report.passed, "\(report.expectations)")
        XCTAssertEqual(report.nodes.filter { $0.role == "coordinator" }.count, 1)
        XCTAssertEqual(report.nodes.filter { $0.role == "node" }.count, 5)
        let paths = Set(report.messages.compactMap(\.path))
        XCTAssertTrue(paths.isSuperset(of: ["coordinator", "mesh"]), "\(paths)")
        XCTAssertEqual(report.faults.map(\.kind), ["kill", "stop", "start", "restart"])
        XCTAssertTrue(result.stderr.contains("» The coordinator is killed"), "the narration goes with the live view to stderr")
        assertNothingLeft(RunTrace(result.stderr))
    }
}
