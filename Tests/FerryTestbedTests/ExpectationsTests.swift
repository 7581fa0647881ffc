@testable import FerryTestbed
import XCTest

final class ExpectationsTests: XCTestCase {
    private func message(_ id: String, sent: UInt64, delivered: UInt64?, path: String? = "mesh", duplicates: Int = 0) -> MessageRecord {
        MessageRecord(
            id: id, from: "a", to: "b", sentMs: sent, deliveredMs: delivered, path: delivered == nil ? nil : path,
            hops: delivered == nil ? nil : 2, duplicates: duplicates)
    }

    private func facts(_ messages: [MessageRecord], now: UInt64, done: Bool = true, finished: Bool = false, rounds: [RelayRound] = []) -> RunFacts {
        RunFacts(nowMs: now, timelineDone: done, messages: messages, relayRounds: rounds, finished: finished)
    }

    func testAllDeliveredWithin() {
        let within = Expectation.allDelivered(withinMilliseconds: 1_000)
        let onTime = [message("1", sent: 0, delivered: 900), message("2", sent: 100, delivered: 1_100)]
        guard case .held(let detail) = Expectations.judge(within, facts(onTime, now: 2_000)) else { return XCTFail("should hold") }
        XCTAssertTrue(detail.contains("2 of 2"), detail)
        XCTAssertEqual(Expectations.judge(within, facts(onTime, now: 2_000, done: false)), .pending, "more may be sent")
        let waiting = [message("1", sent: 0, delivered: nil)]
        XCTAssertEqual(Expectations.judge(within, facts(waiting, now: 999)), .pending, "still inside its window")
        guard case .failed(let missing) = Expectations.judge(within, facts(waiting, now: 1_001)) else { return XCTFail("late") }
        XCTAssertTrue(missing.contains("never delivered"), missing)
        let slow = [message("1", sent: 0, delivered: 1_001)]
        guard case .failed = Expectations.judge(within, facts(slow, now: 5_000)) else { return XCTFail("1001 ms is over 1 s") }
    }

    func testNoDuplicatesHoldsOnlyAtTheEnd() {
        let once = [message("1", sent: 0, delivered: 10)]
        XCTAssertEqual(Expectations.judge(.noDuplicates, facts(once, now: 100)), .pending)
        if case .held = Expectations.judge(.noDuplicates, facts(once, now: 100, finished: true)) {} else { XCTFail("held at the end") }
        let twice = [message("1", sent: 0, delivered: 10, duplicates: 1)]
        guard case .failed(let detail) = Expectations.judge(.noDuplicates, facts(twice, now: 100)) else { return XCTFail("a duplicate") }
        XCTAssertTrue(detail.contains("1 duplicate of 1 message"), detail)
    }

    func testDeliveredBy() {
        let by = Expectation.deliveredBy(milliseconds: 5_000)
        XCTAssertEqual(Expectations.judge(by, facts([message("1", sent: 0, delivered: nil)], now: 4_000)), .pending)
        if case .failed = Expectations.judge(by, facts([message("1", sent: 0, delivered: nil)], now: 5_001)) {} else { XCTFail("missed") }
        if case .failed = Expectations.judge(by, facts([message("1", sent: 0, delivered: 5_500)], now: 6_000)) {} else { XCTFail("late") }
        if case .held = Expectations.judge(by, facts([message("1", sent: 0, delivered: 4_999)], now: 4_999)) {} else { XCTFail("on time") }
    }

    func testPathLooksOnlyAtItsWindow() {
        let path = Expectation.path("coordinator", sentFromMilliseconds: 1_000, sentToMilliseconds: 2_000)
        let messages = [
            message("0", sent: 500, delivered: 600, path: "mesh"),
            message("1", sent: 1_000, delivered: 1_100, path: "coordinator"),
            message("2", sent: 1_999, delivered: 2_100, path: "coordinator"),
            message("3", sent: 2_000, delivered: 2_100, path: "mesh"),
        ]
        guard case .held(let detail) = Expectations.judge(path, facts(messages, now: 3_000)) else { return XCTFail("should hold") }
        XCTAssertEqual(detail, "2 of 2 by coordinator")
        var wrong = messages
        wrong[2].path = "mesh"
        guard case .failed(let why) = Expectations.judge(path, facts(wrong, now: 1_500, done: false)) else { return XCTFail("fails at once") }
        XCTAssertTrue(why.contains("1 by mesh"), why)
        XCTAssertEqual(Expectations.judge(path, facts([message("1", sent: 1_000, delivered: nil)], now: 3_000)), .pending)
        if case .failed = Expectations.judge(path, facts([message("1", sent: 1_000, delivered: nil)], now: 3_000, finished: true)) {} else {
            XCTFail("never delivered")
        }
        if case .failed(let empty) = Expectations.judge(path, facts([message("0", sent: 0, delivered: 5)], now: 3_000, finished: true)) {
            XCTAssertTrue(empty.contains("no message"), empty)
        } else { XCTFail("an empty window proves nothing") }
    }

    func testRelayCopiesPurgedLooksAtTheFirstRoundAtItsTime() {
        let purged = Expectation.relayCopiesPurged(byMilliseconds: 10_000)
        let rounds = [
            RelayRound(atMs: 9_500, relayByNode: ["a": 0, "r": 3], notCounted: []),
            RelayRound(atMs: 10_020, relayByNode: ["a": 0, "r": 0], notCounted: ["c"]),
            RelayRound(atMs: 10_500, relayByNode: ["a": 0, "r": 1], notCounted: []),
        ]
        XCTAssertEqual(Expectations.judge(purged, facts([], now: 9_900, rounds: Array(rounds.prefix(1)))), .pending)
        guard case .held(let detail) = Expectations.judge(purged, facts([], now: 11_000, rounds: rounds)) else { return XCTFail("held") }
        XCTAssertTrue(detail.contains("down: c"), detail)
        var held = rounds
        held[1].relayByNode["r"] = 2
        guard case .failed(let why) = Expectations.judge(purged, facts([], now: 11_000, rounds: held)) else { return XCTFail("r holds 2") }
        XCTAssertTrue(why.contains("r 2"), why)
        if case .failed = Expectations.judge(purged, facts([], now: 5_000, finished: true)) {} else { XCTFail("ended too early") }
    }

    func testResultsGiveEveryExpectationAVerdict() {
        let results = Expectations.results(
            [.allDelivered(withinMilliseconds: 1_000), .noDuplicates],
            facts([message("1", sent: 0, delivered: 10)], now: 100))
        XCTAssertEqual(results.map(\.held), [true, true])
        XCTAssertEqual(results.map(\.description), ["all delivered within 1 s", "no duplicates"])
    }

    func testPercentilesAreNearestRank() {
        let values = (1...100).map { UInt64($0) }
        XCTAssertEqual(LatencyPercentile.of(values, 0.5), 50)
        XCTAssertEqual(LatencyPercentile.of(values, 0.99), 99)
        XCTAssertEqual(LatencyPercentile.of([7], 0.99), 7)
        XCTAssertEqual(LatencyPercentile.of([30, 10, 20], 0.5), 20)
        XCTAssertNil(LatencyPercentile.of([], 0.5))
    }
}
