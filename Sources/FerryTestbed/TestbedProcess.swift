import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a process of the run ended.
enum ProcessEnd: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    var description: String {
        switch self {
        case .exited(let code): return "exit status \(code)"
        case .signalled(let signal): return "signal \(signal)"
        }
    }
}

/// One child process of a run, started with posix_spawn, signalled and reaped by its PID only.
/// Its stdout and stderr are appended to a log file; it starts in a process group of its own, so
/// a Ctrl-C at the terminal reaches the runner, which then stops it. Not `Sendable`: the runner's
/// one thread owns it.
final class TestbedProcess {
    let pid: pid_t
    private(set) var end: ProcessEnd?

    /// Starts `executable arguments…`; stdin from /dev/null, stdout and stderr appended to `logPath`.
    init(executable: String, arguments: [String], logPath: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The runner holds control connections and its signal pipe; a child keeps none of them.
        Self.closeFrom(3, in: &actions)

        pid = try ChildSpawn.spawn(executable, arguments, actions: &actions)
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), which Swift's Glibc module does not
    /// export (it sits behind `_GNU_SOURCE`). Where the C library lacks it, the runner's own
    /// descriptors are close-on-exec anyway (`ControlStream`, `SignalWatch`).
    static func closeFrom(_ first: Int32, in actions: inout posix_spawn_file_actions_t) {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, first)
    }

    /// Reaps the child if it has ended; never blocks.
    @discardableResult
    func poll() -> ProcessEnd? {
        if let end { return end }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        let signal = status & 0x7f
        end = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
        return end
    }

    var isRunning: Bool { poll() == nil }

    /// Sends `number` to this PID, unless it has been reaped (then the PID may be someone else's).
    func signal(_ number: Int32) {
        guard isRunning else { return }
        kill(pid, number)
    }

    /// Waits for the end, polling every few milliseconds; nil if `milliseconds` pass first.
    func wait(milliseconds: UInt64) -> ProcessEnd? {
        let deadline = RunClock.monotonicNanoseconds() + milliseconds * 1_000_000
        let pollsMax = milliseconds / 5 + 2
        for _ in 0..<pollsMax {
            if let ended = poll() { return ended }
            if RunClock.monotonicNanoseconds() >= deadline { break }
            usleep(5_000)
        }
        return poll()
    }

    /// SIGKILL and reap (a SIGKILLed process is gone at once; the wait only covers the kernel's reaping).
    @discardableResult
    func killNow() -> ProcessEnd? {
        signal(SIGKILL)
        return wait(milliseconds: TestbedLimits.stopGraceMillisecondsMax)
    }

    /// SIGTERM, wait up to `graceMilliseconds`, then SIGKILL.
    @discardableResult
    func terminate(graceMilliseconds: UInt64) -> ProcessEnd? {
        signal(SIGTERM)
        if let ended = wait(milliseconds: graceMilliseconds) { return ended }
        return killNow()
    }

    /// The peak resident memory of the process so far (VmHWM in /proc/PID/status), in KiB.
    func peakResidentKiB() -> UInt64? {
        guard isRunning, let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            // "VmHWM:\t   12345 kB"
            let fields = line.dropFirst("VmHWM:".count).split(whereSeparator: { $0 == " " || $0 == "\t" })
            return fields.first.flatMap { UInt64($0) }
        }
        return nil
    }
}
