@testable import FerryTestbed
import XCTest

final class TimelineTests: XCTestCase {
    private func scenario(_ timeline: [TimedEvent]) -> Scenario {
        Scenario(name: "t", nodes: [NodeSpec(name: "a"), NodeSpec(name: "b")], timeline: timeline, expectations: [])
    }

    func testStepsRunInTimeOrderAndTiesKeepFileOrder() {
        let plan = Timeline.plan(scenario([
            TimedEvent(atMilliseconds: 5_000, event: .kill("b"), line: 3),
            TimedEvent(atMilliseconds: 1_000, event: .send(from: "a", to: "b", count: 2, bytes: 10), line: 4),
            TimedEvent(atMilliseconds: 5_000, event: .restart("b"), line: 5),
            TimedEvent(atMilliseconds: 1_000, event: .cut("a", "b"), line: 6),
        ]), seed: 1)
        XCTAssertEqual(plan.steps.map(\.line), [4, 6, 3, 5])
        XCTAssertEqual(plan.steps.map(\.atMilliseconds), [1_000, 1_000, 5_000, 5_000])
        XCTAssertEqual(plan.steps[0].action, .send(from: "a", to: "b", count: 2, bytes: 10), "a burst stays one step")
        XCTAssertEqual(plan.messageCount, 2)
        XCTAssertEqual(plan.lastStepMilliseconds, 5_000)
    }

    func testARateSendsPerSecondTimesDurationRoundedUpOnePerSlot() {
        var random = SeededRandom(seed: 9)
        let offsets = Timeline.rateOffsets(perSecond: 4, forMilliseconds: 2_500, random: &random)
        XCTAssertEqual(offsets.count, 10)
        let slot = 250.0
        for (index, offset) in offsets.enumerated() {
            XCTAssertGreaterThanOrEqual(Double(offset), slot * Double(index), "message \(index) before its slot")
            XCTAssertLessThan(Double(offset), slot * Double(index + 1), "message \(index) after its slot")
        }
        XCTAssertEqual(Timeline.rateCount(perSecond: 1, forMilliseconds: 2_500), 3, "rounded up")
        XCTAssertEqual(Timeline.rateCount(perSecond: 0.3, forMilliseconds: 10_000), 3, "no float error pushes it to 4")
        XCTAssertEqual(Timeline.rateCount(perSecond: 0, forMilliseconds: 10_000), 0)
    }

    func testRateSpacingFollowsTheSeed() {
        let events = [TimedEvent(atMilliseconds: 2_000, event: .rate(from: "a", to: "b", perSecond: 10, forMilliseconds: 3_000, bytes: 64))]
        let first = Timeline.plan(scenario(events), seed: 1)
        XCTAssertEqual(first, Timeline.plan(scenario(events), seed: 1), "same seed, same times")
        XCTAssertNotEqual(first, Timeline.plan(scenario(events), seed: 2), "another seed, other times")
        XCTAssertEqual(first.steps.count, 30)
        XCTAssertTrue(first.steps.allSatisfy { $0.atMilliseconds >= 2_000 && $0.atMilliseconds < 5_000 })
        XCTAssertEqual(first.steps.map(\.atMilliseconds), first.steps.map(\.atMilliseconds).sorted())
    }

    func testRateMessagesInterleaveWithLaterEvents() {
        let plan = Timeline.plan(scenario([
            TimedEvent(atMilliseconds: 0, event: .rate(from: "a", to: "b", perSecond: 1, forMilliseconds: 4_000, bytes: 64), line: 1),
            TimedEvent(atMilliseconds: 2_000, event: .kill("b"), line: 2),
        ]), seed: 3)
        let kill = plan.steps.firstIndex { $0.line == 2 }
        XCTAssertEqual(kill, 2, "the kill at 2 s comes after the messages of slots 0 and 1, before those of 2 and 3")
    }

    func testMessageBodiesHaveExactlyTheSizeAsked() {
        var random = SeededRandom(seed: 4)
        for bytes in [1, 5, 12, 64, 65_536] {
            XCTAssertEqual(MessageBody.make(serial: 12_345, bytes: bytes, random: &random).utf8.count, bytes)
        }
    }
}
