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

/// What a CLI run printed before its reader went away.
struct EarlyCloseResult: CustomStringConvertible {
    let termination: Termination
    /// The first stdout line, read before the pipe was closed.
    let firstLine: String
    let stderr: String

    var description: String { "\(termination); first line: \(firstLine.prefix(200)); stderr: \(stderr.prefix(2000))" }
}

/// Runs `ferry arguments…` with stdout a pipe whose reader closes after the first line, as
/// `ferry … | head -1` does; kills it after `timeout`.
func runFerryClosingAfterFirstLine(
    _ arguments: [String], in scratch: URL, timeout: TimeInterval = Harness.cliTimeoutSeconds
) throws -> EarlyCloseResult {
    var ends: [Int32] = [-1, -1]
    // pipe2 sits behind _GNU_SOURCE; the test thread is the only one spawning, so setting
    // close-on-exec right after pipe() leaves no window for another child to inherit the ends.
    guard pipe(&ends) == 0 else { throw HarnessError("pipe: \(String(cString: strerror(errno)))") }
    for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    let errPath = scratch.appendingPathComponent("cli-\(UUID().uuidString.prefix(8)).err").path
    defer { unlink(errPath) }
    let child: ChildProcess
    do {
        child = try ChildProcess(
            executable: try Harness.ferry(), arguments: arguments, stdinPath: nil, stdout: .descriptor(ends[1]), stderrPath: errPath)
    } catch {
        close(ends[0])
        close(ends[1])
        throw error
    }
    close(ends[1])
    let firstLine = readFirstLine(ends[0], seconds: timeout)
    // The reader goes away here, with the writer's output not yet all read.
    close(ends[0])
    guard let ended = child.wait(seconds: timeout) ?? { child.killNow(); return nil }() else {
        throw HarnessError("ferry \(arguments.joined(separator: " ")) did not finish within \(timeout) s after its reader closed; killed")
    }
    let stderr = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
    return EarlyCloseResult(termination: ended, firstLine: firstLine, stderr: stderr)
}

/// Reads from `fd` until a newline, end of file or `seconds`; returns the text before the newline.
private func readFirstLine(_ fd: Int32, seconds: TimeInterval) -> String {
    let deadline = Date().addingTimeInterval(seconds)
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while !bytes.contains(UInt8(ascii: "\n")) {
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0 else { break }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let polled = poll(&poller, 1, Int32(min(remaining * 1000, 1000)) + 1)
        if polled < 0 && errno == EINTR { continue }
        guard polled > 0 else { continue }
        let count = read(fd, &chunk, chunk.count)
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { break }
        bytes += chunk[0..<count]
    }
    let line = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
    return String(decoding: line, as: UTF8.self)
}
