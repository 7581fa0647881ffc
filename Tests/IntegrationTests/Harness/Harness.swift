import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A test-harness failure with one line of explanation.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Limits of the harness, unit last.
enum Harness {
    static let reapPollMilliseconds: UInt32 = 10
    static let killReapSecondsMax: TimeInterval = 5
    static let conditionPollMilliseconds: UInt32 = 50
    static let cliTimeoutSeconds: TimeInterval = 20
    static let nodeStartSecondsMax: TimeInterval = 15
    static let nodeStopSecondsMax: TimeInterval = 5
    static let deliverySecondsMax: TimeInterval = 20
    static let logTailLines = 40

    /// The `ferry` executable `swift build` put next to the test bundle.
    static let ferryPath: String? = locateFerry()

    private static func locateFerry() -> String? {
        var directories: [URL] = []
        if let first = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        directories.append(Bundle.main.bundleURL)
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        for directory in directories {
            let candidate = directory.appendingPathComponent("ferry").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func ferry() throws -> String {
        guard let ferryPath else {
            throw HarnessError("no ferry executable next to the test bundle; build it first: swift build")
        }
        return ferryPath
    }
}

/// Polls `condition` every few milliseconds until it holds; throws naming `description` if
/// `seconds` pass first. Bounded in time and in the number of polls.
func waitUntil(
    _ description: String, seconds: TimeInterval = Harness.deliverySecondsMax,
    _ condition: () throws -> Bool
) throws {
    let deadline = Date().addingTimeInterval(seconds)
    let pollsMax = Int(seconds * 1000 / Double(Harness.conditionPollMilliseconds)) + 2
    for _ in 0..<pollsMax {
        if try condition() { return }
        if Date() >= deadline { break }
        usleep(Harness.conditionPollMilliseconds * 1000)
    }
    if try condition() { return }
    throw HarnessError("timed out after \(seconds) s waiting until \(description)")
}

/// What a finished CLI run printed.
struct CLIResult: CustomStringConvertible {
    let termination: Termination
    let stdout: String
    let stderr: String

    var exitCode: Int32? {
        if case .exited(let code) = termination { return code }
        return nil
    }

    var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

    var description: String { "\(termination); stdout: \(stdout.prefix(2000)); stderr: \(stderr.prefix(2000))" }
}

/// Runs `ferry arguments…` in `scratch`, with `stdin` as its input; kills it after `timeout`.
func runFerry(
    _ arguments: [String], stdin: String? = nil, in scratch: URL, timeout: TimeInterval = Harness.cliTimeoutSeconds
) throws -> CLIResult {
    let tag = UUID().uuidString.prefix(8)
    let outPath = scratch.appendingPathComponent("cli-\(tag).out").path
    let errPath = scratch.appendingPathComponent("cli-\(tag).err").path
    var inPath: String?
    if let stdin {
        inPath = scratch.appendingPathComponent("cli-\(tag).in").path
        try Data(stdin.utf8).write(to: URL(fileURLWithPath: inPath!))
    }
    defer { for path in [outPath, errPath, inPath].compactMap({ $0 }) { unlink(path) } }
    let child = try ChildProcess(
        executable: try Harness.ferry(), arguments: arguments, stdinPath: inPath, stdoutPath: outPath, stderrPath: errPath)
    guard let ended = child.wait(seconds: timeout) ?? { child.killNow(); return nil }() else {
        throw HarnessError("ferry \(arguments.joined(separator: " ")) did not finish within \(timeout) s; killed")
    }
    let read = { (path: String) in String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
    return CLIResult(termination: ended, stdout: read(outPath), stderr: read(errPath))
}
