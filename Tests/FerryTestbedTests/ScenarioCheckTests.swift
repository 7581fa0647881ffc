@testable import FerryTestbed
import XCTest

final class ScenarioCheckTests: XCTestCase {
    private func scenario(_ timeline: [TimedEvent], nodes: [NodeSpec]? = nil) -> Scenario {
        Scenario(
            name: "t", coordinators: [CoordinatorSpec(name: "c1")],
            nodes: nodes ?? [NodeSpec(name: "a", peers: ["b"], coordinators: ["c1"]), NodeSpec(name: "b")],
            timeline: timeline, expectations: [.noDuplicates])
    }

    private func problem(_ scenario: Scenario) -> ScenarioError? {
        do {
            try ScenarioCheck.validate(scenario, file: "s.yaml")
            return nil
        } catch let error as ScenarioError {
            return error
        } catch {
            XCTFail("unexpected \(error)")
            return nil
        }
    }

    func testAPlayableScenarioPasses() {
        XCTAssertNil(problem(scenario([
            TimedEvent(atMilliseconds: 0, event: .send(from: "a", to: "b", count: 1, bytes: 64)),
            TimedEvent(atMilliseconds: 1_000, event: .kill("b")),
            TimedEvent(atMilliseconds: 1_500, event: .send(from: "a", to: "b", count: 1, bytes: 64)),
            TimedEvent(atMilliseconds: 2_000, event: .restart("b")),
            TimedEvent(atMilliseconds: 2_000, event: .split([["a"], ["b", "c1"]])),
        ])))
    }

    func testASendFromANodeThatIsDownThenIsRefusedWithItsLine() {
        let error = problem(scenario([
            TimedEvent(atMilliseconds: 1_000, event: .stop("a"), line: 7),
            TimedEvent(atMilliseconds: 500, event: .rate(from: "a", to: "b", perSecond: 2, forMilliseconds: 2_000, bytes: 64), line: 9),
        ]))
        XCTAssertEqual(error?.line, 9)
        // The rate's third message (slot 1000–1500 ms) is the first after the stop.
        XCTAssertTrue(error?.description.hasPrefix("s.yaml:9: a sends at 1") == true, "\(String(describing: error))")
        XCTAssertTrue(error?.description.hasSuffix("ms but is not running then") == true, "\(String(describing: error))")
    }

    func testProcessEventsMustFitWhatIsRunning() {
        XCTAssertEqual(problem(scenario([
            TimedEvent(atMilliseconds: 0, event: .kill("b"), line: 3), TimedEvent(atMilliseconds: 1, event: .stop("b"), line: 4),
        ]))?.line, 4)
        XCTAssertEqual(problem(scenario([TimedEvent(atMilliseconds: 0, event: .start("c1"), line: 5)]))?.line, 5)
    }

    func testNamesAndReferencesAreChecked() {
        XCTAssertNotNil(problem(scenario([TimedEvent(atMilliseconds: 0, event: .cut("a", "zz"), line: 2)])))
        XCTAssertNotNil(problem(scenario([TimedEvent(atMilliseconds: 0, event: .send(from: "a", to: "c1", count: 1, bytes: 8))])),
            "coordinators do not receive")
        XCTAssertNotNil(problem(scenario([], nodes: [NodeSpec(name: "a/b")])))
        XCTAssertNotNil(problem(scenario([], nodes: [NodeSpec(name: "a"), NodeSpec(name: "a")])))
        XCTAssertNotNil(problem(scenario([], nodes: [NodeSpec(name: "a", peers: ["q"])])))
        XCTAssertNotNil(problem(scenario([TimedEvent(atMilliseconds: 0, event: .send(from: "a", to: "b", count: 1, bytes: 70_000))])))
        XCTAssertNotNil(problem(scenario([TimedEvent(atMilliseconds: 70_000, event: .join)])), "after the deadline")
    }
}
