import FerryCore
import XCTest

final class BackoffTests: XCTestCase {
    func testDelaysDoubleUpToTheCapWithoutJitterAtMidpoint() {
        var backoff = Backoff()
        // unit 0.5 means zero jitter: the bare exponential sequence.
        let delays = (0..<10).map { _ in backoff.next(unit: 0.5) }
        XCTAssertEqual(delays, [250, 500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000, 15_000])
    }

    func testJitterStaysWithinHalfTheDelay() {
        var low = Backoff()
        var high = Backoff()
        for _ in 0..<8 {
            let a = low.next(unit: 0)
            let b = high.next(unit: 0.999_999)
            XCTAssertLessThan(a, b)
            XCTAssertGreaterThanOrEqual(Double(b) / Double(max(a, 1)), 2.9, "±50 % jitter spans a factor of ~3")
        }
    }

    func testResetStartsSmallAgain() {
        var backoff = Backoff()
        for _ in 0..<5 { _ = backoff.next(unit: 0.5) }
        backoff.reset()
        XCTAssertEqual(backoff.next(unit: 0.5), 250)
    }
}
