import FerryCore
import FerryWire
import XCTest

/// A peer that stops answering reconciliation must not stop every later one on the link, nor keep
/// the node's reconciler state for ever.
final class SyncStallTests: XCTestCase {
    private let sync = Frame.Kind.sync.rawValue

    func testASyncThePeerNeverAnswersIsDroppedAndTheNextOneRuns() throws {
        let pair = try CorePair()
        pair.connect()
        let limits = pair.a.core.limits
        let afterFirst = pair.sentByA[sync, default: 0]
        XCTAssertGreaterThan(afterFirst, 0, "the dialler reconciles when the link comes up")

        // B keeps the link alive (pings, pongs) but its reconciliation answers are lost.
        // Time passes in steps, so keepalives keep the link up.
        pair.dropKindsFromB = [sync]
        var steps = 0
        while pair.sentByA[sync, default: 0] == afterFirst, steps < 20 {
            pair.advance(milliseconds: 5_000)
            steps += 1
        }
        let started = pair.sentByA[sync, default: 0]
        XCTAssertGreaterThan(started, afterFirst, "the periodic sync starts")

        // Until the stall limit, the sync is waited for: nothing new starts, nothing is dropped.
        var waited: UInt64 = 0
        while waited + 5_000 <= limits.syncStallMilliseconds {
            pair.advance(milliseconds: 5_000)
            waited += 5_000
        }
        XCTAssertEqual(pair.a.core.counters.syncsAbandoned, 0)
        XCTAssertEqual(pair.sentByA[sync, default: 0], started, "a running sync is not restarted")

        pair.advance(milliseconds: 5_000)
        XCTAssertEqual(pair.a.core.counters.syncsAbandoned, 2, "both sets' syncs are dropped after the stall limit")
        XCTAssertTrue(pair.a.closedLinks.isEmpty && pair.b.closedLinks.isEmpty, "slowness does not cost the link")

        // The peer answers again: the next sync starts at the usual interval and completes.
        pair.dropKindsFromB = []
        steps = 0
        while pair.sentByA[sync, default: 0] == started, steps < 20 {
            pair.advance(milliseconds: 5_000)
            steps += 1
        }
        XCTAssertGreaterThan(pair.sentByA[sync, default: 0], started, "a new sync started after the dropped one")
        for _ in 0..<Int(limits.syncStallMilliseconds / 5_000 + 1) { pair.advance(milliseconds: 5_000) }
        XCTAssertEqual(pair.a.core.counters.syncsAbandoned, 2, "an answered sync completes and is not dropped")
    }
}
