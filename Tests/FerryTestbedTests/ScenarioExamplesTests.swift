import FerryTestbed
import XCTest

/// The scenarios shipped in examples/scenarios: each parses, is one the issue asks for, fits the
/// time CI gives it, and has a mesh in which every node can reach every other.
final class ScenarioExamplesTests: XCTestCase {
    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/scenarios").path
    }

    static func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    func testEveryShippedScenarioParses() throws {
        let files = try Self.files()
        XCTAssertFalse(files.isEmpty, "no scenarios found in \(Self.directory)")
        for file in files {
            XCTAssertNoThrow(try ScenarioFile.load(path: Self.directory + "/" + file), file)
        }
    }

    func testTheScenariosTheIssueAsksForAreShipped() throws {
        let names = Set(try Self.files().map { String($0.dropLast(".yaml".count)) })
        for required in ["coordinator-outage", "partition-heal", "data-mule", "relay-crash", "lossy-links", "churn", "twenty-nodes"] {
            XCTAssertTrue(names.contains(required), "examples/scenarios/\(required).yaml is missing")
        }
    }

    func testEachScenarioIsNamedAfterItsFileAndChecksSomething() throws {
        for file in try Self.files() {
            let scenario = try ScenarioFile.load(path: Self.directory + "/" + file)
            XCTAssertEqual(scenario.name + ".yaml", file)
            XCTAssertNotNil(scenario.description, file)
            XCTAssertTrue(scenario.expectations.contains(.noDuplicates), file)
            XCTAssertTrue(scenario.expectations.contains { if case .allDelivered = $0 { return true } else { return false } }, file)
            XCTAssertLessThanOrEqual(scenario.deadlineMilliseconds, 60_000, "\(file) must run in about a minute")
        }
    }

    /// Every node can reach every other through links that exist at some time (peers and shared
    /// coordinators), or "all delivered" could never hold.
    func testEveryMeshIsConnected() throws {
        for file in try Self.files() {
            let scenario = try ScenarioFile.load(path: Self.directory + "/" + file)
            var neighbours: [String: Set<String>] = [:]
            for node in scenario.nodes {
                for other in node.peers + node.coordinators {
                    neighbours[node.name, default: []].insert(other)
                    neighbours[other, default: []].insert(node.name)
                }
            }
            var reached: Set<String> = [scenario.nodes[0].name]
            var frontier = [scenario.nodes[0].name]
            while let next = frontier.popLast() {
                for other in neighbours[next] ?? [] where reached.insert(other).inserted { frontier.append(other) }
            }
            let unreached = scenario.nodes.map(\.name).filter { !reached.contains($0) }
            XCTAssertEqual(unreached, [], "\(file): not reachable from \(scenario.nodes[0].name)")
        }
    }

    /// The first example of docs/TESTBED.md is a scenario that parses.
    func testTheReferencesFirstExampleParses() throws {
        let path = URL(fileURLWithPath: Self.directory).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/TESTBED.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let start = try XCTUnwrap(text.range(of: "```yaml\n"))
        let end = try XCTUnwrap(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let scenario = try ScenarioFile.parse(String(text[start.upperBound..<end.lowerBound]), fileName: "TESTBED.md")
        XCTAssertEqual(scenario.name, "coordinator-outage")
        XCTAssertEqual(scenario.nodes.count, 6)
    }

    func testTwentyNodesHasTwentyNodesAndMixedTraffic() throws {
        let scenario = try ScenarioFile.load(path: Self.directory + "/twenty-nodes.yaml")
        XCTAssertGreaterThanOrEqual(scenario.nodes.count, 20)
        let pairs = Set(scenario.timeline.compactMap { timed -> String? in
            switch timed.event {
            case .send(let from, let to, _, _), .rate(let from, let to, _, _, _): return "\(from)>\(to)"
            default: return nil
            }
        })
        XCTAssertGreaterThanOrEqual(pairs.count, 20)
        XCTAssertTrue(scenario.timeline.contains { if case .rate = $0.event { return true } else { return false } })
    }
}
