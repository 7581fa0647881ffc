import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the kernel says about one process, from /proc (Linux only).
enum ProcStats {
    /// Clock ticks per second for the times in /proc/PID/stat.
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// User + system CPU time of `pid` so far, in milliseconds.
    static func cpuMilliseconds(pid: pid_t) throws -> Double {
        let text = try read("/proc/\(pid)/stat")
        // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
        guard let close = text.lastIndex(of: ")") else { throw BenchError.node("unreadable /proc/\(pid)/stat") }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After ')': field 3 is at index 0, so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw BenchError.node("unexpected /proc/\(pid)/stat")
        }
        return (user + system) / ticksPerSecond * 1000
    }

    /// Peak resident set size (VmHWM) of `pid`, in KiB.
    static func peakResidentKiB(pid: pid_t) throws -> Int {
        try statusField("VmHWM:", pid: pid)
    }

    /// A "Name:   value kB" line of /proc/PID/status, in KiB.
    private static func statusField(_ name: String, pid: pid_t) throws -> Int {
        for line in try read("/proc/\(pid)/status").split(separator: "\n") where line.hasPrefix(name) {
            if let value = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first, let kib = Int(value) {
                return kib
            }
        }
        throw BenchError.node("no \(name) in /proc/\(pid)/status")
    }

    /// Resident set size now (VmRSS) of `pid`, in KiB.
    static func residentKiB(pid: pid_t) throws -> Int {
        try statusField("VmRSS:", pid: pid)
    }

    /// Resets VmHWM to the current RSS (Linux ≥ 4.0: write 5 to clear_refs), so each scenario
    /// reports its own peak. Returns false where the kernel refuses; the peak is then cumulative.
    @discardableResult
    static func resetPeakResident(pid: pid_t) -> Bool {
        let fd = open("/proc/\(pid)/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    private static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw BenchError.node("cannot read \(path)") }
        return String(decoding: data, as: UTF8.self)
    }
}

/// CPU and memory of one node process over one scenario.
struct ProcessUsage: Codable {
    var cpuMs: Double
    var peakRssKibibytes: Int
}

/// Takes a CPU reading at the start of a scenario and the difference at its end.
struct UsageMeter {
    let pid: pid_t
    let cpuAtStart: Double
    let peakWasReset: Bool

    init(pid: pid_t) throws {
        self.pid = pid
        peakWasReset = ProcStats.resetPeakResident(pid: pid)
        cpuAtStart = try ProcStats.cpuMilliseconds(pid: pid)
    }

    /// For a process started at the beginning of the span (B in the reconnect scenario): all of
    /// its CPU counts, start-up included, and its peak RSS is its lifetime's, so nothing is reset.
    init(newProcess pid: pid_t) {
        self.pid = pid
        cpuAtStart = 0
        peakWasReset = false
    }

    func finish() throws -> ProcessUsage {
        ProcessUsage(
            cpuMs: try ProcStats.cpuMilliseconds(pid: pid) - cpuAtStart,
            peakRssKibibytes: try ProcStats.peakResidentKiB(pid: pid))
    }
}
