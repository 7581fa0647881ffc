import FerryTestbed
import XCTest

/// Every malformed scenario is a `ScenarioError` at the line of the problem, saying what is wrong
/// (docs/TESTBED.md §Errors).
final class ScenarioErrorTests: XCTestCase {
    /// A valid start: a coordinator and three nodes (lines 1–11); tests append from line 12 on.
    static let base = """
        name: t
        deadline: 60s
        coordinators:
          - name: c1
        nodes:
          - name: a
            coordinators: [c1]
            peers: [b]
          - name: b
            peers: [c]
          - name: c

        """

    // MARK: The file as a whole

    func testAnEmptyFileIsAnErrorAboutTheWholeFile() {
        assertError("", line: 0, contains: "the file is empty")
        assertError("# only a comment\n\n", line: 0, contains: "the file is empty")
    }

    func testTextThatIsNotYAMLNamesYAMLsLine() {
        assertError("name: t\nnodes:\n  - name: a\n    peers: [b\n", line: 5, contains: "invalid YAML")
        assertError("name: t\nnodes:\n  - name: a\n   peers: [b]\n", line: 4, contains: "invalid YAML")
    }

    func testATabIndentedFileSaysTabs() {
        assertError("name: t\nnodes:\n\t- name: a\n", line: 3, contains: "tabs")
    }

    func testProseIsNotAScenario() {
        assertError("just some words\n", line: 1, contains: "a scenario is a mapping of keys")
    }

    func testAKeyGivenTwiceIsAnError() {
        assertError("name: t\nname: u\nnodes:\n  - name: a\n", line: 1, contains: "more than once")
    }

    func testLoadNamesAMissingOrUnreadableFile() {
        XCTAssertThrowsError(try ScenarioFile.load(path: "/nonexistent/s.yaml")) { error in
            XCTAssertEqual((error as? ScenarioError)?.line, 0)
            XCTAssertEqual((error as? ScenarioError)?.description, "/nonexistent/s.yaml: no such file; give the path of a scenario file (examples/scenarios/*.yaml)")
        }
        let path = NSTemporaryDirectory() + "latin1-\(getpid()).yaml"
        // "é" in Latin-1: one byte that is not UTF-8.
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("name: t\nnodes:\n  - name: ".utf8) + Data([0xE9, 0x0A])))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try ScenarioFile.load(path: path)) { error in
            XCTAssertEqual((error as? ScenarioError)?.line, 3)
            XCTAssertTrue("\(error)".contains("not UTF-8"), "\(error)")
        }
    }

    // MARK: Keys and types

    func testUnknownKeysSayWhichAreAllowed() {
        assertError("name: t\nnodez:\n  - name: a\n", line: 2, contains: "unknown key 'nodez' in a scenario (did you mean 'nodes'?); the keys are: name, description")
        assertError(Self.base + "timeline:\n  - at: 1s\n    kil: a\n", line: 14, contains: "(did you mean 'kill'?)")
        assertError(Self.base + "timeline:\n  - at: 1s\n    send: {from: a, to: b, size: 3}\n", line: 14, contains: "the keys are: from, to, count, bytes")
        assertError("name: t\nnodes:\n  - name: a\n    peer: [b]\n", line: 4, contains: "did you mean 'peers'?")
    }

    func testWrongTypesSayWhatWasExpected() {
        assertError("name: t\nnodes: a\n", line: 2, contains: "'nodes' must be a list")
        assertError("name: [t]\nnodes:\n  - name: a\n", line: 1, contains: "'name' must be a name like")
        assertError("name: t\ndiscovery: maybe\nnodes:\n  - name: a\n", line: 2, contains: "true or false")
        assertError("name: t\nseed: -1\nnodes:\n  - name: a\n", line: 2, contains: "'seed' must be at least 0")
        assertError(Self.base + "timeline:\n  - at: 1s\n    send: [a, b]\n", line: 14, contains: "'send' must be a mapping")
        assertError(Self.base + "timeline:\n  at: 1s\n", line: 13, contains: "'timeline' must be a list")
    }

    func testMissingKeys() {
        assertError("nodes:\n  - name: a\n", line: 1, contains: "a scenario needs 'name'")
        assertError("name: t\n", line: 1, contains: "a scenario needs 'nodes'")
        assertError("name: t\nnodes: []\n", line: 2, contains: "'nodes' is empty")
        assertError("name: t\nnodes:\n  - peers: [b]\n", line: 3, contains: "a node needs 'name'")
        assertError(Self.base + "timeline:\n  - send: {from: a, to: b}\n", line: 13, contains: "a timeline entry needs 'at'")
        assertError(Self.base + "timeline:\n  - at: 1s\n", line: 13, contains: "needs one action besides 'at'")
        assertError(Self.base + "timeline:\n  - at: 1s\n    rate: {from: a, to: b, for: 2s}\n", line: 14, contains: "'rate' needs 'per_second'")
    }

    func testAnEntryHasOneAction() {
        assertError(Self.base + "timeline:\n  - at: 1s\n    kill: a\n    stop: b\n", line: 13, contains: "has kill and stop; write one entry each")
    }

    // MARK: Names

    func testNamesAreLowercaseLettersDigitsAndDashes() {
        assertError("name: t\nnodes:\n  - name: Node_A\n", line: 3, contains: "'Node_A' is not a name")
        assertError("name: t\nnodes:\n  - name: -a\n", line: 3, contains: "is not a name")
        assertError("name: t\nnodes:\n  - name: all\n", line: 3, contains: "are words of the format")
        assertError("name: t\nnodes:\n  - name: \(String(repeating: "a", count: 33))\n", line: 3, contains: "longer than 32")
        assertError("name: Outage Test\nnodes:\n  - name: a\n", line: 1, contains: "is not a name")
    }

    func testDuplicateNamesNameTheFirst() {
        assertError("name: t\ncoordinators:\n  - name: a\nnodes:\n  - name: b\n  - name: a\n", line: 6, contains: "'a' is already used on line 3")
        assertError("name: t\nnodes:\n  - name: n2\n  - group: {prefix: n, count: 3}\n", line: 4, contains: "'n2' is already used on line 3")
    }

    func testUnknownNamesInReferences() {
        assertError("name: t\nnodes:\n  - name: a\n    peers: [b, x]\n  - name: b\n", line: 4, contains: "'a' names peer 'x', which is not in nodes")
        assertError("name: t\nnodes:\n  - name: a\n    coordinators: [c9]\n", line: 4, contains: "'a' names coordinator 'c9', which is not in coordinators")
        assertError(Self.base.replacingOccurrences(of: "peers: [b]", with: "peers: [c1]"), line: 8, contains: "list it under 'coordinators'")
        assertError("name: t\nnodes:\n  - name: a\n    peers: [a]\n", line: 4, contains: "lists itself")
        assertError("name: t\nnodes:\n  - name: a\n    peers: [b, b]\n  - name: b\n", line: 4, contains: "names 'b' twice")
        assertError(Self.base + "timeline:\n  - at: 1s\n    cut:\n      - a\n      - x\n", line: 16, contains: "'cut' names 'x', which is not in nodes or coordinators")
        assertError(Self.base + "timeline:\n  - at: 1s\n    kill: [a, x]\n", line: 14, contains: "kill names 'x', which is not in nodes or coordinators")
        assertError(Self.base + "timeline:\n  - at: 1s\n    send: {from: a, to: c1}\n", line: 14, contains: "is a coordinator; messages go between nodes")
        assertError(Self.base + "timeline:\n  - at: 1s\n    send: {from: a, to: a}\n", line: 14, contains: "to itself")
        assertError("name: t\nnodes:\n  - name: a\ntimeline:\n  - at: 1s\n    send: {from: all, to: all}\n", line: 6, contains: "to itself")
    }

    func testGroupAndPeerForms() {
        assertError("name: t\nnodes:\n  - name: a\n    peers: ring\n", line: 4, contains: "is for a group")
        assertError("name: t\nnodes:\n  - group: {prefix: n, count: 3}\n    peers: random 3\n", line: 4, contains: "needs more than 3 members")
        assertError("name: t\nnodes:\n  - group: {prefix: n, count: 3}\n    peers: star\n", line: 4, contains: "ring, all, none, 'random K'")
        assertError("name: t\nnodes:\n  - group: {prefix: N, count: 3}\n", line: 3, contains: "'N3' is not a name")
        assertError("name: t\nnodes:\n  - name: a\n    group: {prefix: n, count: 2}\n", line: 3, contains: "either 'name'")
        assertError("name: t\nnodes:\n  - name: a\n    start: soon\n", line: 4, contains: "'now' (the default) or 'later'")
    }

    // MARK: Values

    func testImpossibleValues() {
        let send = Self.base + "timeline:\n  - at: 1s\n    send: {from: a, to: b, "
        assertError(send + "count: 0}\n", line: 14, contains: "'count' must be at least 1, not 0")
        assertError(send + "count: -3}\n", line: 14, contains: "'count' must be at least 1")
        assertError(send + "count: lots}\n", line: 14, contains: "'count' must be a whole number")
        assertError(send + "bytes: 70000}\n", line: 14, contains: "'bytes' must be at most 65536")
        let impair = Self.base + "timeline:\n  - at: 1s\n    impair: {link: [a, b], "
        assertError(impair + "loss: 120%}\n", line: 14, contains: "from 0 to 100")
        assertError(impair + "loss: -5}\n", line: 14, contains: "from 0 to 100")
        assertError(impair + "delay: 20s}\n", line: 14, contains: "'delay' must be at most 10s")
        assertError(impair + "loss: 0}\n", line: 14, contains: "needs 'loss', 'delay' or both")
        let rate = Self.base + "timeline:\n  - at: 1s\n    rate: {from: a, to: b, "
        assertError(rate + "per_second: 0, for: 2s}\n", line: 14, contains: "above 0")
        assertError(rate + "per_second: 5000, for: 2s}\n", line: 14, contains: "at most 1000")
        assertError(rate + "per_second: 1, for: 0s}\n", line: 14, contains: "sends no message")
    }

    func testDurationsMustHaveAUnitAndBeWholeMilliseconds() {
        let at = Self.base + "timeline:\n  - at: "
        assertError(at + "-5s\n    kill: a\n", line: 13, contains: "cannot be negative")
        assertError(at + "5\n    kill: a\n", line: 13, contains: "needs a unit: '5s' or '5ms'")
        assertError(at + "5 seconds\n    kill: a\n", line: 13, contains: "a duration like 250ms, 5s, 1.5s or 2m")
        assertError(at + "1.0005s\n    kill: a\n", line: 13, contains: "whole milliseconds")
        assertError(at + "1h\n    kill: a\n", line: 13, contains: "a duration like")
    }

    // MARK: Bounds

    func testBoundsKeepARunSane() {
        assertError("name: t\ndeadline: 31m\nnodes:\n  - name: a\n", line: 2, contains: "at most 30m")
        assertError("name: t\ndeadline: 0s\nnodes:\n  - name: a\n", line: 2, contains: "above 0")
        assertError("name: t\nnodes:\n  - group: {prefix: n, count: 64}\n  - name: one-more\n", line: 4, contains: "more than 64 nodes and coordinators")
        assertError("name: t\nnodes:\n  - group: {prefix: n, count: 65}\n", line: 3, contains: "at most 64")
        let big = Self.base + "timeline:\n  - at: 1s\n    send: {from: a, to: b, count: 60000}\n  - at: 2s\n    send: {from: b, to: a, count: 60000}\n"
        assertError(big, line: 15, contains: "more than 100000 messages")
        let everyone = "name: t\ndeadline: 30m\nnodes:\n  - group: {prefix: n, count: 10}\ntimeline:\n  - at: 1s\n    rate: {from: all, to: all, per_second: 1000, for: 2s}\n"
        assertError(everyone, line: 6, contains: "more than 100000 messages")
    }

    // MARK: Time

    func testTimesMustFallBeforeTheDeadline() {
        assertError(Self.base + "timeline:\n  - at: 60s\n    kill: a\n", line: 13, contains: "not before the deadline (60s)")
        assertError(Self.base + "timeline:\n  - at: 50s\n    rate: {from: a, to: b, per_second: 1, for: 20s}\n", line: 13, contains: "runs until 70s")
    }

    func testTheTimelineMustBeInTimeOrder() {
        let text = Self.base + "timeline:\n  - at: 5s\n    stop: b\n  - at: 2s\n    stop: c\n"
        assertError(text, line: 15, contains: "at 2s, before the entry on line 13 (at 5s); keep the timeline in time order")
    }

    // MARK: The timeline walked

    func testProcessesGoDownOnlyWhenUpAndUpOnlyWhenDown() {
        let timeline = Self.base + "timeline:\n  - at: 1s\n    kill: c1\n  - at: 2s\n"
        assertError(timeline + "    stop: c1\n", line: 15, contains: "stop names 'c1', which is not running at 2s (killed at 1s, line 13)")
        assertError(Self.base + "timeline:\n  - at: 1s\n    restart: c1\n", line: 13, contains: "already running at 1s (since 0s); kill or stop it first")
        assertError(timeline + "    send: {from: c, to: a}\n  - at: 3s\n    stop: c\n  - at: 4s\n    send: {from: c, to: a}\n", line: 19, contains: "send from 'c' at 4s, but 'c' is not running then (stopped at 3s, line 17)")
    }

    func testASenderStaysUpWhileItsRateRuns() {
        let text = Self.base + "timeline:\n  - at: 1s\n    rate: {from: a, to: b, per_second: 1, for: 10s}\n  - at: 5s\n    kill: a\n"
        assertError(text, line: 15, contains: "falls inside its rate on line 13 (1s–11s)")
    }

    func testALaterProcessMustBeStarted() {
        assertError("name: t\nnodes:\n  - name: a\n  - name: b\n    start: later\n", line: 4, contains: "'b' has 'start: later' but no start event starts it")
        assertError("name: t\nnodes:\n  - name: a\n  - name: b\n    start: later\ntimeline:\n  - at: 1s\n    send: {from: b, to: a}\n", line: 7, contains: "it has 'start: later'")
    }

    func testLinksAreCutHealedAndImpairedInOrder() {
        let timeline = Self.base + "timeline:\n  - at: 1s\n"
        assertError(timeline + "    heal: [a, b]\n", line: 13, contains: "heal names the link a–b, which is not cut then")
        assertError(timeline + "    cut: [a, b]\n  - at: 2s\n    cut: [b, a]\n", line: 15, contains: "already cut (line 13)")
        assertError(timeline + "    join: true\n", line: 13, contains: "no split is in force")
        assertError(timeline + "    split: [[a], [b]]\n  - at: 2s\n    split: [[a], [c]]\n", line: 15, contains: "already in force (line 13)")
        assertError(timeline + "    split: [[a, b], [b, c]]\n", line: 14, contains: "puts 'b' in two parts")
        assertError(timeline + "    split: [[a, b]]\n", line: 14, contains: "at least two parts")
        assertError(timeline + "    clear: [a, b]\n", line: 13, contains: "not impaired then")
        assertError(timeline + "    cut: [a, c]\n", line: 13, contains: "cut names a–c, but they never link")
        assertError(timeline + "    impair: {link: [c1, b], loss: 5}\n", line: 13, contains: "impair names c1–b, but they never link")
        assertError(timeline + "    join: false\n", line: 14, contains: "written 'join: true'")
    }

    func testFaultsOnAnyPairAreAllowedWithDiscovery() throws {
        let text = Self.base.replacingOccurrences(of: "deadline: 60s", with: "discovery: true") + "timeline:\n  - at: 1s\n    cut: [a, c]\n"
        XCTAssertEqual(try ScenarioFile.parse(text, fileName: "d.yaml").timeline.map(\.event), [.cut("a", "c")])
    }

    // MARK: Expectations

    func testExpectationsMustBeJudgeableWithinTheRun() {
        let sends = Self.base + "timeline:\n  - at: 40s\n    send: {from: a, to: c}\nexpect:\n"
        assertError(sends + "  - all_delivered: {within: 30s}\n", line: 16, contains: "needs the run to last until 70s, past the deadline (60s)")
        assertError(sends + "  - delivered_by: 30s\n", line: 16, contains: "is not after the last message is sent (40s)")
        assertError(sends + "  - relay_copies_purged_by: 2m\n", line: 16, contains: "after the deadline")
        assertError(sends + "  - path: {via: mesh, sent_from: 0s, sent_to: 10s}\n", line: 16, contains: "no message is sent between 0s and 10s")
        assertError(sends + "  - path: {via: wormhole}\n", line: 16, contains: "'via' must be one of direct, coordinator, mesh")
        assertError(sends + "  - path: {via: mesh, sent_from: 10s, sent_to: 10s}\n", line: 16, contains: "window is empty")
        assertError(sends + "  - no_duplicate\n", line: 16, contains: "did you mean 'no_duplicates'?")
        assertError(sends + "  - no_duplicates: yes\n", line: 16, contains: "takes no value")
        assertError(sends + "  - delivered_by\n", line: 16, contains: "needs a time")
        assertError(Self.base + "expect:\n  - no_duplicates\n", line: 13, contains: "sends no messages")
        let noCoordinator = "name: t\nnodes:\n  - name: a\n  - name: b\n    peers: [a]\ntimeline:\n  - at: 1s\n    send: {from: a, to: b}\nexpect:\n  - path: {via: coordinator}\n"
        assertError(noCoordinator, line: 10, contains: "needs a coordinator")
    }

    func testTheDescriptionIsFileColonLineColonMessage() {
        XCTAssertThrowsError(try ScenarioFile.parse("name: t\nnodez: []\n", fileName: "s.yaml")) { error in
            XCTAssertTrue("\(error)".hasPrefix("s.yaml:2: unknown key 'nodez'"), "\(error)")
        }
    }

    // MARK: Helper

    private func assertError(_ text: String, line: Int, contains part: String, file: StaticString = #filePath, lineNumber: UInt = #line) {
        do {
            let scenario = try ScenarioFile.parse(text, fileName: "s.yaml")
            XCTFail("parsed, expected an error at line \(line) with '\(part)': \(scenario)", file: file, line: lineNumber)
        } catch let error as ScenarioError {
            XCTAssertEqual(error.line, line, "\(error)", file: file, line: lineNumber)
            XCTAssertTrue(error.message.contains(part), "'\(error.message)' does not contain '\(part)'", file: file, line: lineNumber)
            XCTAssertEqual(error.file, "s.yaml", file: file, line: lineNumber)
        } catch {
            XCTFail("not a ScenarioError: \(error)", file: file, line: lineNumber)
        }
    }
}
