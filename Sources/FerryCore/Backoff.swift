/// Reconnect delays: exponential from `initialMilliseconds` to `maxMilliseconds`, each with
/// ±`jitterFraction` random jitter so that nodes restarted together do not redial in lockstep.
public struct Backoff: Sendable {
    public var initialMilliseconds: UInt64 = 250
    public var maxMilliseconds: UInt64 = 15_000
    public var jitterFraction = 0.5
    private(set) var attempt = 0

    public init() {}

    /// The next delay; `unit` is a random number in [0, 1) from the caller.
    public mutating func next(unit: Double) -> UInt64 {
        let exponent = min(attempt, 16)
        attempt += 1
        let base = min(maxMilliseconds, initialMilliseconds << UInt64(exponent))
        let jitter = (unit * 2 - 1) * jitterFraction * Double(base)
        return UInt64(max(1, Double(base) + jitter))
    }

    /// After a link succeeds, the next failure starts small again.
    public mutating func reset() { attempt = 0 }
}
