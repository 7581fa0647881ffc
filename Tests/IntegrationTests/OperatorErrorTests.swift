import FerryControl
import Foundation
import XCTest

/// What an operator sees when things are not as they should be.
final class OperatorErrorTests: IntegrationTestCase {
    /// (f) `send --wait 1` to a recipient that is down: exit 3, one line on stderr, id on stdout.
    func testSendWaitTimesOutWithExitThree() throws {
        let (a, _) = try makePair()
        try a.start(peers: ["127.0.0.1:\(try RawSocket.freePort())"])
        let started = Date()
        let sent = try ferry(["send", "--data", a.dataDir, "bob", "nobody is listening", "--wait", "1"])
        XCTAssertEqual(sent.exitCode, 3, "\(sent)")
        XCTAssertEqual(sent.stderrLines.count, 1, "\(sent)")
        XCTAssertTrue(sent.stderr.contains("no delivery proof"), "\(sent)")
        XCTAssertEqual(sent.stdoutLines.first?.count, 32, "the id is printed before waiting")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(try a.status().outboxPending, 1, "the message stays queued")
    }

    /// (g) A second `ferry run` on a data dir in use: exit 1, "another ferry node".
    func testSecondNodeOnSameDataDirIsRefused() throws {
        let a = try makeNode("alice")
        try a.start()
        let second = try ferry(["run", "--data", a.dataDir, "--listen", "127.0.0.1:0"], timeout: 10)
        XCTAssertEqual(second.exitCode, 1, "\(second)")
        XCTAssertTrue(second.stderr.contains("another ferry node"), "\(second)")
        let pid = try a.status().pid
        XCTAssertTrue(second.stderr.contains("\(pid)"), "names the pid holding the lock: \(second)")
        XCTAssertTrue(a.isRunning)
        XCTAssertEqual(try a.status().address, a.address)
    }

    /// (h) `ferry status` with no node: exit 1, one line that says to `ferry run`, no trace —
    /// both for a directory that never ran a node and for one a crash left a socket file in.
    func testStatusWithoutNodeSaysHowToStartOne() throws {
        let a = try makeNode("alice")
        try expectNotRunning(try ferry(["status", "--data", a.dataDir]))
        try expectNotRunning(try ferry(["status", "--json", "--data", a.dataDir]))

        try a.start()
        a.kill9()
        XCTAssertTrue(FileManager.default.fileExists(atPath: a.dataDir + "/control.sock"))
        try expectNotRunning(try ferry(["status", "--data", a.dataDir]))
    }

    /// Unknown recipients and the node's own address are refused in one line, and nothing is queued.
    func testUnknownRecipientAndOwnAddressAreRefused() throws {
        let a = try makeNode("alice")
        try a.start()
        let unknown = try ferry(["send", "--data", a.dataDir, "carol", "hi"])
        XCTAssertEqual(unknown.exitCode, 1, "\(unknown)")
        XCTAssertEqual(unknown.stderrLines.count, 1, "\(unknown)")
        XCTAssertTrue(unknown.stderr.contains("ferry contacts add carol"), "\(unknown)")
        let own = try ferry(["send", "--data", a.dataDir, a.address, "hi"])
        XCTAssertEqual(own.exitCode, 1, "\(own)")
        XCTAssertTrue(own.stderr.contains("this node itself"), "\(own)")
        XCTAssertEqual(try a.status().outboxPending, 0)
    }

    private func expectNotRunning(_ result: CLIResult, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(result.exitCode, 1, "\(result)", file: file, line: line)
        XCTAssertEqual(result.stderrLines.count, 1, "\(result)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains("ferry run"), "\(result)", file: file, line: line)
        XCTAssertFalse(result.stderr.contains("Fatal error") || result.stderr.contains("Stack"), "\(result)", file: file, line: line)
        XCTAssertEqual(result.stdout, "", file: file, line: line)
    }
}
