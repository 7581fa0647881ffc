import FerryWire

/// A reading of a monotonic clock in milliseconds: it never jumps, so link timers measured on it
/// survive an NTP step or a changed system clock. Its zero is arbitrary (the driver's loop start).
public struct MonotonicTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let milliseconds: UInt64

    public init(milliseconds: UInt64) { self.milliseconds = milliseconds }

    /// This time plus `milliseconds`, saturating instead of wrapping.
    public func adding(milliseconds delta: UInt64) -> MonotonicTime {
        let (sum, overflow) = milliseconds.addingReportingOverflow(delta)
        return MonotonicTime(milliseconds: overflow ? .max : sum)
    }

    /// Milliseconds from `earlier` to this time; 0 if `earlier` is later.
    public func since(_ earlier: MonotonicTime) -> UInt64 {
        milliseconds >= earlier.milliseconds ? milliseconds - earlier.milliseconds : 0
    }

    public static func < (lhs: MonotonicTime, rhs: MonotonicTime) -> Bool { lhs.milliseconds < rhs.milliseconds }

    public var description: String { "t+\(milliseconds)ms" }
}

/// The two clocks every core event carries: the monotonic one for every timer (handshake, keepalive,
/// idle, retries, rate limits) and the wall clock only for message times (created, expires,
/// received), which other nodes read.
public struct CoreTime: Sendable, Equatable {
    public var wall: Timestamp
    public var monotonic: MonotonicTime

    public init(wall: Timestamp, monotonic: MonotonicTime) {
        self.wall = wall
        self.monotonic = monotonic
    }

    /// Both clocks moved on by `milliseconds` (tests and the simulator).
    public func adding(milliseconds: UInt64) -> CoreTime {
        CoreTime(wall: wall.adding(milliseconds: milliseconds), monotonic: monotonic.adding(milliseconds: milliseconds))
    }
}
