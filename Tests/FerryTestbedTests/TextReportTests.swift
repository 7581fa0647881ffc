import FerryControl
@testable import FerryTestbed
import XCTest

final class TextReportTests: XCTestCase {
    private func report(messages: [MessageRecord], expectations: [ExpectationResult]) -> RunReport {
        RunReport(
            scenario: "outage", seed: 7, hosts: "loopback", startedAt: "2026-12-01T00:00:00.000Z", durationMs: 30_000,
            messages: messages, faults: [FaultRecord(atMs: 10_000, kind: "kill", description: "kill c1", recoveryMs: 1_200)],
            expectations: expectations,
            nodes: [NodeRecord(name: "a", role: "node", address: "ab", peakRssKiB: 40_960, storedMessages: 0),
                    NodeRecord(name: "c1", role: "coordinator", address: "cd")],
            passed: expectations.allSatisfy(\.held))
    }

    func testFewMessagesAreListedOneByOne() {
        let text = TextReport.render(report(
            messages: [
                MessageRecord(id: "0123456789abcdef", from: "a", to: "b", sentMs: 1_000, deliveredMs: 1_040, path: "coordinator", hops: 2),
                MessageRecord(id: "fedcba9876543210", from: "a", to: "b", sentMs: 2_000),
            ],
            expectations: [
                ExpectationResult(description: "no duplicates", held: true, detail: "none"),
                ExpectationResult(description: "all delivered within 5 s", held: false, detail: "1 of 2 missing"),
            ]))
        XCTAssertTrue(text.contains("01234567  a → b      1.0 s  coordinator    2     40 ms"), text)
        XCTAssertTrue(text.contains("NOT DELIVERED"), text)
        XCTAssertTrue(text.contains("Summary: delivered 1/2, duplicates 0"), text)
        XCTAssertTrue(text.contains("10.0 s  kill c1  recovered in 1.2 s"), text)
        XCTAssertTrue(text.contains("a     node         40.0 MiB  0"), text)
        XCTAssertTrue(text.contains("c1    coordinator  –         – (down)"), text)
        XCTAssertTrue(text.contains("✓ no duplicates: none"), text)
        XCTAssertTrue(text.contains("✗ all delivered within 5 s: 1 of 2 missing"), text)
        XCTAssertTrue(text.hasSuffix("FAILED: 1 of 2 expectations did not hold\n"), text)
    }

    func testManyMessagesAreSummarisedPerPairAndPath() {
        var messages: [MessageRecord] = []
        for index in 0..<100 {
            let path = index < 60 ? "coordinator" : "mesh"
            messages.append(MessageRecord(
                id: String(format: "%032x", index), from: "a", to: "b", sentMs: UInt64(index) * 100,
                deliveredMs: UInt64(index) * 100 + UInt64(index + 1), path: path, hops: path == "mesh" ? 3 : 2))
        }
        let text = TextReport.render(report(messages: messages, expectations: [ExpectationResult(description: "x", held: true, detail: "y")]))
        XCTAssertTrue(text.contains("Messages (100, by sender, recipient and path):"), text)
        XCTAssertTrue(text.contains("a → b      coordinator  60     2     30 ms  60 ms"), text)
        XCTAssertTrue(text.contains("a → b      mesh         40     3     80 ms  100 ms"), text)
        XCTAssertTrue(text.contains("coordinator  60     30 ms  60 ms   60 ms"), text)
        XCTAssertFalse(text.contains(String(format: "%08x", 5)), "no message listed one by one")
        XCTAssertTrue(text.hasSuffix("PASSED: every expectation held\n"), text)
    }

    func testTheJSONReportIsSnakeCase() throws {
        let json = String(decoding: ControlJSON.encode(report(messages: [], expectations: [])), as: UTF8.self)
        for key in ["\"peak_rss_kib\":40960", "\"stored_messages\":0", "\"duration_ms\":30000", "\"recovery_ms\":1200", "\"at_ms\":10000"] {
            XCTAssertTrue(json.contains(key), "\(key) in \(json)")
        }
        let decoded = try ControlJSON.decode(RunReport.self, from: Array(json.utf8))
        XCTAssertEqual(decoded, report(messages: [], expectations: []))
    }
}
