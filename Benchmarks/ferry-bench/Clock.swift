#if canImport(Glibc)
import Glibc
#endif

/// The one clock every latency in the bench is read from: CLOCK_MONOTONIC, in nanoseconds.
/// Sends and arrivals are stamped by the bench itself, so both ends of a latency share this clock.
enum MonotonicClock {
    static func nanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Sleeps for a short poll interval; callers bound the number of polls with a deadline.
    static func pause(milliseconds: Int) {
        usleep(UInt32(milliseconds * 1000))
    }
}

/// A point in time after which a bounded wait gives up.
struct Deadline {
    let nanoseconds: UInt64
    let what: String

    init(seconds: Double, what: String) {
        nanoseconds = MonotonicClock.nanoseconds() + UInt64(seconds * 1e9)
        self.what = what
    }

    var passed: Bool { MonotonicClock.nanoseconds() >= nanoseconds }

    /// Milliseconds left, at least 1, for a blocking receive.
    var remainingMilliseconds: Int {
        let now = MonotonicClock.nanoseconds()
        return now >= nanoseconds ? 1 : Int((nanoseconds - now) / 1_000_000) + 1
    }

    func check() throws {
        if passed { throw BenchError.timedOut(what) }
    }
}
