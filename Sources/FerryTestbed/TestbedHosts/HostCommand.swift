import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a finished system tool printed, and how it ended.
struct HostCommandResult {
    let end: ProcessEnd
    let stdout: String
    let stderr: String

    var succeeded: Bool { end == .exited(0) }
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    /// The first line of stderr (or of stdout when stderr is empty), for one-line error messages.
    var reason: String {
        let text = stderr.isEmpty ? stdout : stderr
        return text.split(separator: "\n").first.map(String.init) ?? "no message (\(end))"
    }
}

/// Runs the system tools `--hosts netns` drives (`ip`, `tc`, `ss`) to their end: posix_spawn, input
/// on stdin, stdout and stderr read through pipes, killed by its PID and reaped if it outlives its
/// deadline. Each starts in a process group of its own, so a Ctrl-C at the terminal reaches the
/// runner (which then tears down what the tools made) and never a tool halfway through.
enum HostCommand {
    /// Output beyond this is dropped (a namespace list or a socket list is a few KiB).
    static let outputBytesMax = 1 << 20
    /// One tool run; they take milliseconds (a batch of a hundred `ip` commands, tens of them).
    static let timeoutMillisecondsDefault: UInt64 = 15_000

    /// The tool's path: system directories first, then PATH; nil if it is nowhere.
    static func locate(_ name: String) -> String? {
        let system = ["/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/local/bin"]
        let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map(String.init) ?? []
        for directory in system + path where directory.hasPrefix("/") {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable arguments…` with `input` on its stdin (or /dev/null) to its end, at most
    /// `timeoutMilliseconds`. Throws only when it cannot be started or does not end in time.
    static func run(
        _ executable: String, _ arguments: [String], input: String? = nil,
        timeoutMilliseconds: UInt64 = timeoutMillisecondsDefault
    ) throws -> HostCommandResult {
        let pipes = try Pipes(withInput: input != nil)
        defer { pipes.closeAll() }
        let pid = try spawn(executable, arguments, pipes)
        pipes.closeChildEnds()
        let deadline = RunClock.monotonicNanoseconds() + timeoutMilliseconds * 1_000_000
        let output = pipes.exchange(input: Array((input ?? "").utf8), until: deadline, bytesMax: outputBytesMax)
        guard let end = reap(pid, until: deadline) else {
            kill(pid, SIGKILL)
            _ = reap(pid, until: RunClock.monotonicNanoseconds() + TestbedLimits.stopGraceMillisecondsMax * 1_000_000)
            throw TestbedError.runner("\(commandLine(executable, arguments)) did not finish within \(TextFormat.duration(timeoutMilliseconds)); killed")
        }
        return HostCommandResult(
            end: end, stdout: String(decoding: output.stdout, as: UTF8.self), stderr: String(decoding: output.stderr, as: UTF8.self))
    }

    static func commandLine(_ executable: String, _ arguments: [String]) -> String {
        ([URL(fileURLWithPath: executable).lastPathComponent] + arguments).joined(separator: " ")
    }

    private static func spawn(_ executable: String, _ arguments: [String], _ pipes: Pipes) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input = pipes.input {
            posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, pipes.stdout.write, 1)
        posix_spawn_file_actions_adddup2(&actions, pipes.stderr.write, 2)
        TestbedProcess.closeFrom(3, in: &actions)

        return try ChildSpawn.spawn(executable, arguments, actions: &actions)
    }

    /// Waits (polling) for `pid` to end; nil if `deadline` (monotonic nanoseconds) passes first.
    private static func reap(_ pid: pid_t, until deadline: UInt64) -> ProcessEnd? {
        let start = RunClock.monotonicNanoseconds()
        let pollsMax = (deadline > start ? (deadline - start) / 1_000_000 : 0) + 2
        for _ in 0..<pollsMax {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                let signal = status & 0x7f
                return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
            }
            if result < 0 && errno != EINTR { return .exited(-1) }
            if RunClock.monotonicNanoseconds() >= deadline { return nil }
            usleep(1_000)
        }
        return nil
    }
}

/// The pipes between the runner and one tool: its stdin (optional), stdout and stderr. The
/// runner's ends are close-on-exec; the runner spawns from one thread, so no other child can
/// inherit them in between.
private final class Pipes {
    typealias Ends = (read: Int32, write: Int32)
    var input: Ends?
    var stdout: Ends
    var stderr: Ends
    private var open: Set<Int32> = []

    init(withInput: Bool) throws {
        stdout = (-1, -1)
        stderr = (-1, -1)
        do {
            stdout = try makePipe()
            stderr = try makePipe()
            if withInput { input = try makePipe() }
        } catch {
            closeAll()
            throw error
        }
    }

    private func makePipe() throws -> Ends {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw TestbedError.runner("cannot create a pipe: \(String(cString: strerror(errno)))") }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            open.insert(end)
        }
        return (ends[0], ends[1])
    }

    /// After the spawn: the child holds its own copies of these.
    func closeChildEnds() {
        close(stdout.write)
        close(stderr.write)
        if let input { close(input.read) }
    }

    func closeAll() {
        for end in open { close(end) }
        open = []
    }

    private func close(_ fd: Int32) {
        guard open.remove(fd) != nil else { return }
        _ = Glibc.close(fd)
    }

    /// Writes `input` to the tool's stdin (then closes it) while reading its stdout and stderr,
    /// until both reach their end or `deadline` passes.
    func exchange(input bytes: [UInt8], until deadline: UInt64, bytesMax: Int) -> (stdout: [UInt8], stderr: [UInt8]) {
        var out: [UInt8] = []
        var err: [UInt8] = []
        var written = 0
        if let input { _ = fcntl(input.write, F_SETFL, fcntl(input.write, F_GETFL) | O_NONBLOCK) }
        if let input, bytes.isEmpty { close(input.write) }
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var readable = [stdout.read, stderr.read]
        let roundsMax = 100_000
        for _ in 0..<roundsMax where !readable.isEmpty {
            let now = RunClock.monotonicNanoseconds()
            guard now < deadline else { break }
            let writing = input.map { open.contains($0.write) } ?? false
            var descriptors = readable.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if writing, let input { descriptors.append(pollfd(fd: input.write, events: Int16(POLLOUT), revents: 0)) }
            let waitMilliseconds = Int32(min((deadline - now) / 1_000_000 + 1, 1_000))
            guard poll(&descriptors, nfds_t(descriptors.count), waitMilliseconds) >= 0 || errno == EINTR else { break }
            for polled in descriptors where polled.revents != 0 {
                if writing, let input, polled.fd == input.write {
                    let count = bytes.withUnsafeBytes { Glibc.write(polled.fd, $0.baseAddress! + written, bytes.count - written) }
                    if count > 0 { written += count }
                    if (count < 0 && errno != EAGAIN && errno != EINTR) || written >= bytes.count { close(polled.fd) }
                    continue
                }
                let count = read(polled.fd, &chunk, chunk.count)
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                guard count > 0 else {
                    readable.removeAll { $0 == polled.fd }
                    continue
                }
                if polled.fd == stdout.read {
                    if out.count < bytesMax { out += chunk[0..<min(count, bytesMax - out.count)] }
                } else if err.count < bytesMax {
                    err += chunk[0..<min(count, bytesMax - err.count)]
                }
            }
        }
        if let input { close(input.write) }
        return (out, err)
    }
}
