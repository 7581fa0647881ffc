import FerryWire
import Foundation

/// The daemon's clock: wall time in milliseconds. Only the driver reads it; the core gets `now`.
enum WallClock {
    static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(milliseconds: UInt64(spec.tv_sec) * 1000 + UInt64(spec.tv_nsec) / 1_000_000)
    }
}
