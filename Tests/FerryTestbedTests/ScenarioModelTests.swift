import FerryTestbed
import XCTest

final class ScenarioModelTests: XCTestCase {
    func testAScenarioHoldsItsTimelineInOrderGiven() {
        let scenario = Scenario(
            name: "two nodes", nodes: [NodeSpec(name: "a", peers: ["b"]), NodeSpec(name: "b")],
            timeline: [TimedEvent(atMilliseconds: 0, event: .send(from: "a", to: "b", count: 3, bytes: 64))],
            expectations: [.allDelivered(withinMilliseconds: 10_000), .noDuplicates])
        XCTAssertEqual(scenario.nodes.map(\.name), ["a", "b"])
        XCTAssertEqual(scenario.timeline.count, 1)
        XCTAssertFalse(scenario.discovery)
    }
}
