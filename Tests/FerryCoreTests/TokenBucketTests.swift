import FerryCore
import XCTest

final class TokenBucketTests: XCTestCase {
    private func time(_ milliseconds: UInt64) -> MonotonicTime { MonotonicTime(milliseconds: milliseconds) }

    func testABurstThenTheRatePerSecond() {
        var bucket = TokenBucket(perSecond: 2, burst: 5)
        XCTAssertEqual((0..<10).filter { _ in bucket.take(now: time(0)) }.count, 5)
        XCTAssertFalse(bucket.take(now: time(499)))
        XCTAssertTrue(bucket.take(now: time(500)), "half a second earns one of two a second")
        XCTAssertEqual((0..<10).filter { _ in bucket.take(now: time(100_000)) }.count, 5, "never more than the burst")
    }

    func testOneEveryIntervalForRatesSlowerThanOneASecond() {
        var bucket = TokenBucket(oneEveryMilliseconds: 300_000, burst: 3)
        XCTAssertEqual((0..<10).filter { _ in bucket.take(now: time(0)) }.count, 3)
        // Asking every second earns nothing more, and loses nothing to rounding either.
        XCTAssertEqual((1..<300).filter { bucket.take(now: time(UInt64($0) * 1_000)) }.count, 0)
        XCTAssertTrue(bucket.take(now: time(300_000)))
        XCTAssertFalse(bucket.take(now: time(300_001)))
        XCTAssertEqual((0..<10).filter { _ in bucket.take(now: time(10_000_000)) }.count, 3, "never more than the burst")
    }
}
