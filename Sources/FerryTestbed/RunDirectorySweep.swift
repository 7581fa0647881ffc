import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A runner killed with SIGKILL cannot remove its run directory (its processes die with it, see
/// `ferry testbed-child`). So while a run lasts its directory holds `runner.pid`: the runner's PID
/// and that process's start time (from /proc, so a PID the kernel has since given to another
/// process is not taken for the runner). The marker is removed when the run ends, with `--keep`
/// too (a kept directory is the user's). A new run removes every `ferry-testbed-*` directory in
/// the temporary directory whose marker names a runner that is gone, and says which.
enum RunDirectorySweep {
    static let prefix = "ferry-testbed-"
    static let markerName = "runner.pid"

    /// Writes the marker of this process into `directory`.
    static func mark(_ directory: String) throws {
        let pid = getpid()
        guard let started = startTime(of: pid) else { throw TestbedError.runner("cannot read /proc/\(pid)/stat") }
        try "\(pid) \(started)\n".write(toFile: directory + "/" + markerName, atomically: true, encoding: .utf8)
    }

    /// Removes the marker: the directory is no longer a running run's.
    static func unmark(_ directory: String) {
        unlink(directory + "/" + markerName)
    }

    /// Removes the run directories in `parent` left by runners that are gone; returns their paths.
    /// Only real directories (not links) of this user, named `ferry-testbed-…`, holding a marker
    /// that parses; anything else is left alone. At most `scanMax` entries are looked at.
    static func sweep(in parent: String = NSTemporaryDirectory()) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return [] }
        var removed: [String] = []
        for name in names.prefix(scanMax) where name.hasPrefix(prefix) {
            let path = (parent.hasSuffix("/") ? parent : parent + "/") + name
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid(),
                  let marker = try? String(contentsOfFile: path + "/" + markerName, encoding: .utf8),
                  let (pid, started) = parse(marker), !isRunning(pid: pid, startedAt: started)
            else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }

    /// Entries of the temporary directory looked at, at most (a bound on a start's work).
    static let scanMax = 10_000

    /// `PID STARTTIME` as `mark` writes it.
    static func parse(_ text: String) -> (pid: pid_t, started: UInt64)? {
        let parts = text.split(whereSeparator: \.isWhitespace)
        guard parts.count == 2, let pid = pid_t(parts[0]), pid > 0, let started = UInt64(parts[1]) else { return nil }
        return (pid, started)
    }

    /// Whether `pid` is the process that started at `startedAt` (clock ticks after boot).
    static func isRunning(pid: pid_t, startedAt: UInt64) -> Bool {
        startTime(of: pid) == startedAt
    }

    /// Field 22 of /proc/PID/stat, the process's start time in clock ticks after boot; nil if
    /// there is no such process. The fields are counted after the command name's closing
    /// parenthesis, since the name itself may hold spaces and parentheses.
    static func startTime(of pid: pid_t) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }
}
