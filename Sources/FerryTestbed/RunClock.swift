import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The runner's clock: milliseconds since the run started, monotonic (a wall-clock step does not
/// move events), plus the wall time of that start to place the nodes' own timestamps on it.
struct RunClock {
    private let startNanoseconds: UInt64
    /// Wall clock at the start, ms since the Unix epoch.
    let startWallMilliseconds: UInt64

    init() {
        startNanoseconds = Self.monotonicNanoseconds()
        startWallMilliseconds = UInt64(Date().timeIntervalSince1970 * 1000)
    }

    /// Milliseconds since the start.
    var now: UInt64 { (Self.monotonicNanoseconds() - startNanoseconds) / 1_000_000 }

    /// A wall-clock time from a node on this host (ms since the epoch), as run time; clamped to 0.
    func runTime(wallMilliseconds: UInt64) -> UInt64 {
        wallMilliseconds > startWallMilliseconds ? wallMilliseconds - startWallMilliseconds : 0
    }

    static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

/// Sleeps about `milliseconds` (EINTR ends it early, which callers treat as a poll tick).
func pauseMilliseconds(_ milliseconds: UInt64) {
    usleep(UInt32(min(milliseconds, 1_000) * 1_000))
}
