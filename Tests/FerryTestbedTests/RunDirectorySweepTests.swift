@testable import FerryTestbed
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Run directories left by a runner killed with SIGKILL are removed by the next run; nothing else is.
final class RunDirectorySweepTests: XCTestCase {
    private var parent = ""

    override func setUpWithError() throws {
        parent = NSTemporaryDirectory() + "sweep-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: false)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: parent)
    }

    private func makeRun(_ name: String, marker: String?) throws -> String {
        let path = parent + "/" + name
        try FileManager.default.createDirectory(atPath: path + "/a", withIntermediateDirectories: true)
        try "log\n".write(toFile: path + "/a.log", atomically: true, encoding: .utf8)
        if let marker { try marker.write(toFile: path + "/" + RunDirectorySweep.markerName, atomically: true, encoding: .utf8) }
        return path
    }

    /// The PID of a process that has ended and been reaped.
    private func goneProcessPID() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    func testOnlyDirectoriesOfRunnersThatAreGoneAreRemoved() throws {
        let me = getpid()
        let started = try XCTUnwrap(RunDirectorySweep.startTime(of: me))
        let gone = try goneProcessPID()
        let dead = try makeRun("ferry-testbed-dead-AAAAAA", marker: "\(gone) 12345\n")
        let reused = try makeRun("ferry-testbed-reused-BBBBBB", marker: "\(me) \(started + 1)\n")
        let running = try makeRun("ferry-testbed-running-CCCCCC", marker: "\(me) \(started)\n")
        let kept = try makeRun("ferry-testbed-kept-DDDDDD", marker: nil)
        let garbled = try makeRun("ferry-testbed-garbled-EEEEEE", marker: "not a marker")
        let other = try makeRun("someone-else-FFFFFF", marker: "\(gone) 12345\n")
        try FileManager.default.createSymbolicLink(atPath: parent + "/ferry-testbed-link-GGGGGG", withDestinationPath: other)

        let removed = RunDirectorySweep.sweep(in: parent)
        XCTAssertEqual(Set(removed), [dead, reused], "a dead runner's, and one whose PID now names another process")
        for path in [running, kept, garbled, other] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: path + "/a.log"), "\(path) is left alone")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: parent + "/ferry-testbed-link-GGGGGG"), "a link is not followed or removed")
    }

    func testAMarkNamesThisProcessAndAnUnmarkedDirectoryStays() throws {
        let run = try makeRun("ferry-testbed-mine-HHHHHH", marker: nil)
        try RunDirectorySweep.mark(run)
        let marker = try String(contentsOfFile: run + "/" + RunDirectorySweep.markerName, encoding: .utf8)
        let parsed = try XCTUnwrap(RunDirectorySweep.parse(marker))
        XCTAssertEqual(parsed.pid, getpid())
        XCTAssertTrue(RunDirectorySweep.isRunning(pid: parsed.pid, startedAt: parsed.started))
        XCTAssertEqual(RunDirectorySweep.sweep(in: parent), [], "a running run's directory stays")
        RunDirectorySweep.unmark(run)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run + "/" + RunDirectorySweep.markerName))
        XCTAssertEqual(RunDirectorySweep.sweep(in: parent), [], "a kept directory stays")
    }

    func testStartTimeAndMarkersParse() {
        XCTAssertNotNil(RunDirectorySweep.startTime(of: getpid()))
        XCTAssertNil(RunDirectorySweep.startTime(of: 0))
        XCTAssertNil(RunDirectorySweep.parse("12 "))
        XCTAssertNil(RunDirectorySweep.parse("-3 5"))
        XCTAssertEqual(RunDirectorySweep.parse("12 34\n")?.started, 34)
    }
}
