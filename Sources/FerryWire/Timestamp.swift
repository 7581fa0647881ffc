/// Wall-clock time in milliseconds since the Unix epoch (u64 on the wire).
///
/// The core never reads a clock: every handler takes `now: Timestamp` from its driver, which is
/// what lets tests and the simulator run on a manual clock.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var milliseconds: UInt64

    public init(milliseconds: UInt64) { self.milliseconds = milliseconds }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// `self` plus a duration, saturating instead of overflowing (a hostile expiry cannot wrap).
    public func adding(milliseconds delta: UInt64) -> Timestamp {
        let (sum, overflow) = milliseconds.addingReportingOverflow(delta)
        return Timestamp(milliseconds: overflow ? .max : sum)
    }

    /// Milliseconds from `earlier` to `self`, zero if `earlier` is later.
    public func since(_ earlier: Timestamp) -> UInt64 {
        milliseconds >= earlier.milliseconds ? milliseconds - earlier.milliseconds : 0
    }

    /// Milliseconds between `self` and `other`, whichever is later.
    public func distance(to other: Timestamp) -> UInt64 {
        milliseconds >= other.milliseconds ? milliseconds - other.milliseconds : other.milliseconds - milliseconds
    }

    public var description: String { "\(milliseconds)ms" }
}
