@testable import FerryTestbed
import XCTest

/// The scenario format read into `Scenario` values (docs/TESTBED.md §Scenario files).
final class ScenarioFileTests: XCTestCase {
    func testTheWholeFormatReadsIntoTheExpectedScenario() throws {
        let text = """
            name: every-key
            description: free text
            seed: 7
            discovery: false
            deadline: 90s
            coordinators:
              - name: c1
                peers: [c2]
              - name: c2
                start: later
            nodes:
              - name: a
                coordinators: [c1]
                peers: [b, c]
              - name: b
              - name: c
                start: later
              - group: {prefix: n, count: 3}
                coordinators: [c1, c2]
                peers: ring
            timeline:
              - at: 0s
                send: {from: a, to: b, count: 10, bytes: 200}
              - at: 1s
                start: [c, c2]
              - at: 2s
                rate: {from: a, to: b, per_second: 20, for: 5s}
              - at: 2.5s
                send: {from: b, to: a}
              - at: 8s
                kill: c1
              - at: 9s
                restart: c1
              - at: 10s
                stop: n2
              - at: 11s
                start: n2
              - at: 12s
                cut: [a, b]
              - at: 13s
                heal: [a, b]
              - at: 14s
                split: [[a, b], [c, n1]]
              - at: 15s
                join: true
              - at: 16s
                impair: {link: [a, b], loss: 20%, delay: 200ms}
              - at: 17s
                clear: [a, b]
            expect:
              - all_delivered: {within: 10s}
              - all_delivered
              - no_duplicates
              - delivered_by: 30s
              - path: {via: mesh, sent_from: 2s, sent_to: 7s}
              - relay_copies_purged_by: 40s
            """
        let scenario = try ScenarioFile.parse(text, fileName: "every-key.yaml")
        let expected = Scenario(
            name: "every-key", description: "free text", seed: 7, discovery: false,
            coordinators: [CoordinatorSpec(name: "c1", peers: ["c2"]), CoordinatorSpec(name: "c2", startsRunning: false)],
            nodes: [
                NodeSpec(name: "a", peers: ["b", "c"], coordinators: ["c1"]),
                NodeSpec(name: "b"),
                NodeSpec(name: "c", startsRunning: false),
                NodeSpec(name: "n1", peers: ["n2"], coordinators: ["c1", "c2"]),
                NodeSpec(name: "n2", peers: ["n3"], coordinators: ["c1", "c2"]),
                NodeSpec(name: "n3", peers: ["n1"], coordinators: ["c1", "c2"]),
            ],
            timeline: [
                TimedEvent(atMilliseconds: 0, event: .send(from: "a", to: "b", count: 10, bytes: 200), line: 22),
                TimedEvent(atMilliseconds: 1000, event: .start("c"), line: 24),
                TimedEvent(atMilliseconds: 1000, event: .start("c2"), line: 24),
                TimedEvent(atMilliseconds: 2000, event: .rate(from: "a", to: "b", perSecond: 20, forMilliseconds: 5000, bytes: 64), line: 26),
                TimedEvent(atMilliseconds: 2500, event: .send(from: "b", to: "a", count: 1, bytes: 64), line: 28),
                TimedEvent(atMilliseconds: 8000, event: .kill("c1"), line: 30),
                TimedEvent(atMilliseconds: 9000, event: .restart("c1"), line: 32),
                TimedEvent(atMilliseconds: 10_000, event: .stop("n2"), line: 34),
                TimedEvent(atMilliseconds: 11_000, event: .start("n2"), line: 36),
                TimedEvent(atMilliseconds: 12_000, event: .cut("a", "b"), line: 38),
                TimedEvent(atMilliseconds: 13_000, event: .heal("a", "b"), line: 40),
                TimedEvent(atMilliseconds: 14_000, event: .split([["a", "b"], ["c", "n1"]]), line: 42),
                TimedEvent(atMilliseconds: 15_000, event: .join, line: 44),
                TimedEvent(atMilliseconds: 16_000, event: .impair("a", "b", lossPercent: 20, delayMilliseconds: 200), line: 46),
                TimedEvent(atMilliseconds: 17_000, event: .clear("a", "b"), line: 48),
            ],
            expectations: [
                .allDelivered(withinMilliseconds: 10_000), .allDelivered(withinMilliseconds: 90_000), .noDuplicates,
                .deliveredBy(milliseconds: 30_000), .path("mesh", sentFromMilliseconds: 2000, sentToMilliseconds: 7000),
                .relayCopiesPurged(byMilliseconds: 40_000),
            ],
            deadlineMilliseconds: 90_000)
        XCTAssertEqual(scenario.nodes, expected.nodes)
        XCTAssertEqual(scenario.coordinators, expected.coordinators)
        XCTAssertEqual(scenario.timeline, expected.timeline)
        XCTAssertEqual(scenario.expectations, expected.expectations)
        XCTAssertEqual(scenario, expected)
    }

    func testDefaults() throws {
        let scenario = try ScenarioFile.parse("name: tiny\nnodes:\n  - name: a\n", fileName: "t.yaml")
        XCTAssertEqual(scenario, Scenario(name: "tiny", nodes: [NodeSpec(name: "a")], timeline: [], expectations: []))
        XCTAssertEqual(scenario.seed, 1)
        XCTAssertEqual(scenario.deadlineMilliseconds, 60_000)
        XCTAssertFalse(scenario.discovery)
    }

    func testListsOfSendersAndRecipientsExpandToEveryPairButSelf() throws {
        let scenario = try parse(
            nodes: "  - group: {prefix: n, count: 3}\n",
            timeline: """
                  - at: 1s
                    send: {from: [n1, n2], to: all, count: 2}
                  - at: 2s
                    rate: {from: n3, to: [n1, n2], per_second: 0.5, for: 4s, bytes: 10}
                """)
        XCTAssertEqual(scenario.timeline.map(\.event), [
            .send(from: "n1", to: "n2", count: 2, bytes: 64), .send(from: "n1", to: "n3", count: 2, bytes: 64),
            .send(from: "n2", to: "n1", count: 2, bytes: 64), .send(from: "n2", to: "n3", count: 2, bytes: 64),
            .rate(from: "n3", to: "n1", perSecond: 0.5, forMilliseconds: 4000, bytes: 10),
            .rate(from: "n3", to: "n2", perSecond: 0.5, forMilliseconds: 4000, bytes: 10),
        ])
        XCTAssertEqual(Set(scenario.timeline.map(\.line)).count, 2, "every expanded event keeps its entry's line")
    }

    func testSeveralNamesOrPairsInOneFaultExpandInOrder() throws {
        let scenario = try parse(
            nodes: "  - group: {prefix: n, count: 3}\n    peers: all\n",
            timeline: """
                  - at: 1s
                    kill: [n1, n3]
                  - at: 2s
                    restart: [n3, n1]
                  - at: 3s
                    cut: [[n1, n2], [n2, n3]]
                  - at: 4s
                    impair: {link: [[n1, n3], [n2, n1]], delay: 1s}
                """)
        XCTAssertEqual(scenario.timeline.map(\.event), [
            .kill("n1"), .kill("n3"), .restart("n3"), .restart("n1"), .cut("n1", "n2"), .cut("n2", "n3"),
            .impair("n1", "n3", lossPercent: 0, delayMilliseconds: 1000), .impair("n2", "n1", lossPercent: 0, delayMilliseconds: 1000),
        ])
    }

    func testGroupPeerForms() throws {
        func peers(_ form: String, count: Int = 4) throws -> [[String]] {
            try ScenarioFile.parse("name: g\nnodes:\n  - group: {prefix: n, count: \(count)}\n    peers: \(form)\n", fileName: "g.yaml").nodes.map(\.peers)
        }
        XCTAssertEqual(try peers("ring"), [["n2"], ["n3"], ["n4"], ["n1"]])
        XCTAssertEqual(try peers("ring", count: 2), [["n2"], []], "two members make one link")
        XCTAssertEqual(try peers("ring", count: 1), [[]])
        XCTAssertEqual(try peers("all"), [["n2", "n3", "n4"], ["n3", "n4"], ["n4"], []])
        XCTAssertEqual(try peers("none"), [[], [], [], []])
        XCTAssertEqual(try peers("[n1, n2]"), [["n2"], ["n1"], ["n1", "n2"], ["n1", "n2"]])
    }

    func testRandomPeersAreSeededAndLinkEachMemberToAtLeastK() throws {
        func nodes(seed: Int) throws -> [NodeSpec] {
            try ScenarioFile.parse("name: r\nseed: \(seed)\nnodes:\n  - group: {prefix: n, count: 12}\n    peers: random 3\n", fileName: "r.yaml").nodes
        }
        let first = try nodes(seed: 5)
        XCTAssertEqual(first, try nodes(seed: 5), "the same seed draws the same topology")
        XCTAssertNotEqual(first, try nodes(seed: 6), "another seed draws another")
        for node in first {
            let linked = Set(node.peers + first.filter { $0.peers.contains(node.name) }.map(\.name))
            XCTAssertGreaterThanOrEqual(linked.count, 3, "\(node.name) links to \(linked)")
            XCTAssertFalse(linked.contains(node.name))
            for peer in node.peers {
                XCTAssertFalse(first.first { $0.name == peer }!.peers.contains(node.name), "\(node.name) and \(peer) dial each other")
            }
        }
    }

    func testFlowStyleAndBlockStyleMeanTheSame() throws {
        let block = try parse(nodes: "  - name: a\n    peers: [b]\n  - name: b\n", timeline: "  - at: 1s\n    send:\n      from: a\n      to: b\n      count: 3\n")
        let flow = try parse(nodes: "  - {name: a, peers: [b]}\n  - {name: b}\n", timeline: "  - {at: 1s, send: {from: a, to: b, count: 3}}\n")
        XCTAssertEqual(block.nodes, flow.nodes)
        XCTAssertEqual(block.timeline.map(\.event), flow.timeline.map(\.event))
    }

    func testEventsAtTheSameTimeKeepFileOrder() throws {
        let scenario = try parse(
            nodes: "  - name: a\n  - name: b\n",
            timeline: "  - at: 1s\n    stop: b\n  - at: 1s\n    start: b\n  - at: 1s\n    stop: b\n")
        XCTAssertEqual(scenario.timeline.map(\.event), [.stop("b"), .start("b"), .stop("b")])
    }

    func testLoadReadsAFile() throws {
        let path = NSTemporaryDirectory() + "scenario-\(getpid()).yaml"
        try "name: from-disk\nnodes:\n  - name: a\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(try ScenarioFile.load(path: path).name, "from-disk")
    }

    // MARK: Helpers

    private func parse(nodes: String, timeline: String) throws -> Scenario {
        try ScenarioFile.parse("name: t\nnodes:\n\(nodes)timeline:\n\(timeline)", fileName: "t.yaml")
    }
}
