import FerryCore
import FerryWire
import XCTest

/// Cost follows the difference, not the set: 100 000 items a side. The full id list of one side
/// would be 1 600 000 bytes; bytes and messages are asserted, time only printed.
final class ReconcilerScaleTests: XCTestCase {
    static let setSize = 100_000
    static let fullListBytes = 16 * setSize

    func run(difference: Int, limits: ReconcilerLimits = ReconcilerLimits()) throws -> SyncPair.Outcome {
        let sets = SyncSets(seed: UInt64(difference))
        let pair = sets.pair(common: Self.setSize - difference / 2, onlyA: difference / 2, onlyB: difference / 2)
        let clock = ContinuousClock()
        var outcome: SyncPair.Outcome?
        let elapsed = try clock.measure { outcome = try SyncPair.run(pair.a, pair.b, limits: limits) }
        let result = try XCTUnwrap(outcome)
        XCTAssertTrue(result.isExact(onlyA: pair.onlyA, onlyB: pair.onlyB), result.summary)
        print("100k/\(difference): \(result.summary), \(elapsed) (this build; ferry-sync-bench times release)")
        return result
    }

    func testDifferenceOf10() throws {
        let outcome = try run(difference: 10)
        XCTAssertLessThan(outcome.bytes, 8000)
        XCTAssertLessThanOrEqual(outcome.messages, 12)
    }

    /// The brief's case: 50 items only on each side. Bound: 50 000 bytes both ways (3.1 % of the
    /// full list; measured about 43 500) and 12 messages (measured 8).
    func testDifferenceOf100() throws {
        let outcome = try run(difference: 100)
        XCTAssertLessThan(outcome.bytes, 50_000)
        XCTAssertLessThan(outcome.bytes * 20, Self.fullListBytes, "under 5 % of the full id list")
        XCTAssertLessThanOrEqual(outcome.messages, 12)
        XCTAssertEqual(outcome.repeats, 0)
    }

    func testDifferenceOf1000() throws {
        let outcome = try run(difference: 1000)
        XCTAssertLessThan(outcome.bytes, 350_000)
        XCTAssertLessThanOrEqual(outcome.messages, 12)
    }

    func testEmptyAgainstAFullSetMovesEveryIdWithinTheMessageLimit() throws {
        let items = SyncSets(seed: 60).items(Self.setSize)
        for (a, b, onlyA, onlyB) in [([], items, [SyncItem](), items), (items, [], items, [])] {
            let outcome = try SyncPair.run(SyncItems(a), SyncItems(b))
            XCTAssertTrue(outcome.isExact(onlyA: onlyA, onlyB: onlyB), outcome.summary)
            XCTAssertLessThanOrEqual(outcome.largestMessageBytes, WireLimits.syncMessageBytesMax)
            // Each full reply carries about 6000 ids (17 to 19 bytes each); the rest is overhead.
            XCTAssertLessThan(outcome.bytes, 2 * Self.fullListBytes)
            XCTAssertLessThanOrEqual(outcome.messages, 40)
            print("empty/full 100k: \(outcome.summary)")
        }
    }

    func testSmallRepliesCutAndResumeAndStillSettleEverything() throws {
        var limits = ReconcilerLimits()
        limits.replyBytesMax = 4096
        let outcome = try run(difference: 1000, limits: limits)
        XCTAssertLessThanOrEqual(outcome.largestMessageBytes, 4096)
        XCTAssertLessThanOrEqual(outcome.messages, limits.roundsMax)
    }
}
