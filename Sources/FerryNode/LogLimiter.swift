import FerryCore
import Logging

/// Bounds the log lines that peers can cause: `linesPerSecond` on average, `burst` at once. Lines
/// over budget are counted and reported in one line when the budget returns, so an attacker cannot
/// fill the disk with warnings and an operator still sees that something happened.
/// Loop-confined, not `Sendable`.
final class LogLimiter {
    private let logger: Logger
    private var budget = TokenBucket(perSecond: linesPerSecond, burst: burst)
    private var suppressed = 0
    /// Lines not written since start, for `ferry status`.
    private(set) var suppressedTotal = 0

    static let linesPerSecond: UInt64 = 20
    static let burst: UInt64 = 200

    init(logger: Logger) { self.logger = logger }

    func log(_ level: FerryCore.LogLevel, _ text: String, nowMilliseconds: UInt64) {
        // Debug lines are off unless asked for; when on, the operator wants them all.
        if level == .debug { return logger.debug("\(text)") }
        guard budget.take(now: MonotonicTime(milliseconds: nowMilliseconds)) else {
            suppressed += 1
            suppressedTotal += 1
            return
        }
        switch level {
        case .debug: logger.debug("\(text)")
        case .info: logger.info("\(text)")
        case .notice: logger.notice("\(text)")
        case .warning: logger.warning("\(text)")
        }
    }

    /// Called on each tick: says how many lines were left out, once there is budget again.
    func reportSuppressed(nowMilliseconds: UInt64) {
        guard suppressed > 0, budget.take(now: MonotonicTime(milliseconds: nowMilliseconds)) else { return }
        logger.warning("\(suppressed) log lines left out (over \(Self.linesPerSecond) a second)")
        suppressed = 0
    }
}
