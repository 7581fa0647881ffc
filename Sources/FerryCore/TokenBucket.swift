/// A token bucket on the monotonic clock: at most `burst` events at once and `perSecond` on
/// average. Used to bound what a peer can make a node do (answer pings, write warnings).
public struct TokenBucket: Sendable {
    public let perSecond: UInt64
    public let burst: UInt64
    /// Tokens in thousandths, so refills at low rates are not lost to rounding.
    private var milliTokens: UInt64
    private var refilledAt: MonotonicTime?

    public init(perSecond: UInt64, burst: UInt64) {
        precondition(perSecond > 0 && burst > 0, "a bucket that never refills is a bug")
        self.perSecond = perSecond
        self.burst = burst
        milliTokens = burst * 1000
    }

    /// Takes one token if there is one; false means the event is over budget.
    public mutating func take(now: MonotonicTime) -> Bool {
        refill(now: now)
        guard milliTokens >= 1000 else { return false }
        milliTokens -= 1000
        return true
    }

    private mutating func refill(now: MonotonicTime) {
        defer { refilledAt = now }
        guard let refilledAt else { return }
        let elapsed = min(now.since(refilledAt), burst * 1000)
        milliTokens = min(burst * 1000, milliTokens + elapsed * perSecond)
    }
}
