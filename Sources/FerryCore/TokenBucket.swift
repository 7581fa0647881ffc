/// A token bucket on the monotonic clock: at most `burst` events at once and a steady rate on
/// average, either so many per second or one per interval (for rates slower than one a second).
/// Used to bound what a peer can make a node do (answer pings, write warnings, hear exchanges).
public struct TokenBucket: Sendable {
    public let burst: UInt64
    /// Credit one token costs and credit earned per millisecond: 1000 and the rate for so many per
    /// second, the interval and 1 for one per interval. Integers, so slow refills lose nothing to
    /// rounding.
    private let tokenCredit: UInt64
    private let creditPerMillisecond: UInt64
    private var credit: UInt64
    private var refilledAt: MonotonicTime?

    /// `perSecond` events a second on average, `burst` at once.
    public init(perSecond: UInt64, burst: UInt64) {
        precondition(perSecond > 0 && burst > 0, "a bucket that never refills is a bug")
        self.init(tokenCredit: 1000, creditPerMillisecond: perSecond, burst: burst)
    }

    /// One event every `intervalMilliseconds` on average, `burst` at once.
    public init(oneEveryMilliseconds intervalMilliseconds: UInt64, burst: UInt64) {
        precondition(intervalMilliseconds > 0 && burst > 0, "a bucket that never refills is a bug")
        self.init(tokenCredit: intervalMilliseconds, creditPerMillisecond: 1, burst: burst)
    }

    private init(tokenCredit: UInt64, creditPerMillisecond: UInt64, burst: UInt64) {
        self.burst = burst
        self.tokenCredit = tokenCredit
        self.creditPerMillisecond = creditPerMillisecond
        credit = burst * tokenCredit
    }

    /// Takes one token if there is one; false means the event is over budget.
    public mutating func take(now: MonotonicTime) -> Bool {
        refill(now: now)
        guard credit >= tokenCredit else { return false }
        credit -= tokenCredit
        return true
    }

    private mutating func refill(now: MonotonicTime) {
        defer { refilledAt = now }
        guard let refilledAt else { return }
        let full = burst * tokenCredit
        let elapsed = min(now.since(refilledAt), full)
        credit = min(full, credit + elapsed * creditPerMillisecond)
    }
}
