import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `ferry ARGS | head -1`: the CLI's stdout is a real pipe; the test reads one line from it and
/// closes its end, as `head` does. The CLI may then die of SIGPIPE (that is `head`'s contract);
/// the node it talked to must not.
/// Returns the first line and how the CLI ended (nil if it was still running after `seconds`
/// and had to be killed).
func runFerryReadingOneLine(
    _ arguments: [String], in scratch: URL, seconds: TimeInterval = Harness.cliTimeoutSeconds
) throws -> (line: String, termination: Termination?) {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { throw HarnessError("pipe: \(String(cString: strerror(errno)))") }
    let (readEnd, writeEnd) = (ends[0], ends[1])
    // Only the child's stdout (a dup) may outlive the spawn; the test runs one thread.
    _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
    _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
    let errPath = scratch.appendingPathComponent("cli-\(UUID().uuidString.prefix(8)).err").path
    defer { unlink(errPath) }
    let child: ChildProcess
    do {
        child = try ChildProcess(
            executable: try Harness.ferry(), arguments: arguments, stdinPath: nil, stdoutPath: "/dev/null",
            stderrPath: errPath, stdoutDescriptor: writeEnd)
    } catch {
        close(readEnd)
        close(writeEnd)
        throw error
    }
    close(writeEnd)
    let line: String
    do { line = try readLine(from: readEnd, seconds: seconds) } catch {
        close(readEnd)
        child.killNow()
        throw error
    }
    close(readEnd)
    let ended = child.wait(seconds: seconds)
    if ended == nil { child.killNow() }
    return (line, ended)
}

/// Reads up to the first newline from `fd`, within `seconds`.
private func readLine(from fd: Int32, seconds: TimeInterval) throws -> String {
    var bytes: [UInt8] = []
    let deadline = Date().addingTimeInterval(seconds)
    let readsMax = 1 << 16
    for _ in 0..<readsMax {
        if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) { return String(decoding: bytes[..<newline], as: UTF8.self) }
        let left = deadline.timeIntervalSinceNow
        guard left > 0 else { break }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(min(left * 1000 + 1, 1_000))) > 0 else { continue }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = read(fd, &chunk, chunk.count)
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { throw HarnessError("the CLI closed its stdout before a whole line") }
        bytes += chunk[0..<count]
    }
    throw HarnessError("no line from the CLI within \(seconds) s (\(bytes.count) bytes so far)")
}
