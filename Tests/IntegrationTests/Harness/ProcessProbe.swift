import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the test reads about processes from /proc and the resource limits.
enum ProcessProbe {
    /// Resident set size of `pid` in bytes (VmRSS in /proc/PID/status); nil if it cannot be read.
    static func residentBytes(of pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 3, let kilobytes = Int(fields[1]), fields[2] == "kB" else { return nil }
            return kilobytes * 1024
        }
        return nil
    }

    /// Open descriptors of `pid` (entries in /proc/PID/fd); nil if they cannot be listed.
    static func openDescriptors(of pid: pid_t) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

    /// Raises this process's soft RLIMIT_NOFILE to its hard limit; returns the new soft limit.
    /// Children started later inherit it.
    @discardableResult
    static func raiseOpenFileLimit() throws -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
            throw HarnessError("getrlimit: \(String(cString: strerror(errno)))")
        }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
                throw HarnessError("setrlimit: \(String(cString: strerror(errno)))")
            }
        }
        return Int(limit.rlim_cur)
    }
}
