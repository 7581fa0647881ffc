import FerryControl
import Foundation
import XCTest

/// Base class: a scratch directory per test, nodes made through `makeNode`, and a tearDown that
/// stops every node by pid (even after a failure), prints their log tails if the test failed,
/// and removes the scratch directory.
class IntegrationTestCase: XCTestCase {
    private(set) var scratch: URL!
    private var nodes: [FerryNodeProcess] = []

    override func setUpWithError() throws {
        try super.setUpWithError()
        _ = try Harness.ferry()
        // Short: the control socket path must fit in sun_path (108 bytes).
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-it-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() {
        for node in nodes {
            let wasRunning = node.isRunning
            let ended = node.stop()
            if wasRunning && ended != .exited(0) {
                XCTFail("\(node.name) did not exit cleanly on SIGTERM within \(Harness.nodeStopSecondsMax) s: \(ended.map { "\($0)" } ?? "still running")")
            }
        }
        // FERRY_IT_LOGS=1 shows the logs of passing tests too.
        if (testRun?.totalFailureCount ?? 0) > 0 || ProcessInfo.processInfo.environment["FERRY_IT_LOGS"] == "1" {
            for node in nodes {
                print("--- \(name): last \(Harness.logTailLines) lines of \(node.name)'s log (\(node.logPath)) ---")
                print(node.logTail())
            }
        }
        nodes = []
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
        super.tearDown()
    }

    /// A new initialised node (not running); tearDown stops it.
    func makeNode(_ name: String) throws -> FerryNodeProcess {
        let node = try FerryNodeProcess(name: name, scratch: scratch)
        nodes.append(node)
        return node
    }

    /// Two nodes that have each other as contacts.
    func makePair(_ first: String = "alice", _ second: String = "bob") throws -> (FerryNodeProcess, FerryNodeProcess) {
        let a = try makeNode(first)
        let b = try makeNode(second)
        try a.addContact(b)
        try b.addContact(a)
        return (a, b)
    }

    func ferry(_ arguments: [String], stdin: String? = nil, timeout: TimeInterval = Harness.cliTimeoutSeconds) throws -> CLIResult {
        try runFerry(arguments, stdin: stdin, in: scratch, timeout: timeout)
    }

    /// `ferry send` one message; returns its id.
    func send(from node: FerryNodeProcess, to recipient: String, _ text: String) throws -> String {
        let sent = try ferry(["send", "--data", node.dataDir, recipient, text])
        guard sent.exitCode == 0, let id = sent.stdoutLines.first, id.count == 32 else {
            throw HarnessError("send from \(node.name) to \(recipient) failed: \(sent)")
        }
        return id
    }
}
