@testable import FerrySQLite
import FerryStore
import Foundation
import XCTest

/// Runs this test binary again as a child that writes to a store and then kills itself with
/// SIGKILL: a real `kill -9` in the middle of a group, not a simulated one.
enum CrashChild {
    static let databaseVariable = "FERRY_STORE_CRASH_CHILD_DB"
    static let reachedVariable = "FERRY_STORE_CRASH_CHILD_REACHED"
    /// Bound on the child's run; it normally dies within a second.
    static let timeoutSeconds: TimeInterval = 60

    struct Outcome {
        var reason: Process.TerminationReason
        var status: Int32
        var log: String
    }

    static func run(databasePath: String, reachedPath: String, logDirectory: URL) throws -> Outcome {
        let logURL = logDirectory.appendingPathComponent("child.log")
        guard FileManager.default.createFile(atPath: logURL.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: logURL.path])
        }
        let log = try FileHandle(forWritingTo: logURL)
        defer { try? log.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["FerryStoreTests.CrashChildTests/testWriteThenDieByKill9"]
        var environment = ProcessInfo.processInfo.environment
        environment[databaseVariable] = databasePath
        environment[reachedVariable] = reachedPath
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        // Wait for the exit itself, bounded; a hung child is killed and reported.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        if exited.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            process.terminate()
        }
        process.waitUntilExit()
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        return Outcome(reason: process.terminationReason, status: process.terminationStatus, log: text)
    }
}

/// The child's side of `testKill9KeepsCommittedWritesAndLosesUncommittedOnes`. In a normal test run
/// it has nothing to do and skips.
final class CrashChildTests: XCTestCase {
    func testWriteThenDieByKill9() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let path = environment[CrashChild.databaseVariable], let reached = environment[CrashChild.reachedVariable]
        else { throw XCTSkip("runs only as the child process of the kill -9 test") }

        let store = try SQLiteMessageStore(path: path)
        _ = try store.hold(Fixture.held(1))
        try store.addProof(Fixture.proof(1))
        try store.commit()
        _ = try store.hold(Fixture.held(2, kind: .relay, from: 5))
        try store.markDelivered(Fixture.key(1), at: Fixture.time(3_000), path: .direct, hops: 1)
        try store.addProof(Fixture.proof(2))
        _ = try store.addInbound(Fixture.inbound(1))
        XCTAssertTrue(FileManager.default.createFile(atPath: reached, contents: nil))
        kill(getpid(), SIGKILL)
    }
}
