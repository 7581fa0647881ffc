import FerryCore
import FerryWire
import XCTest

/// Exact results on small sets, and the state machine around them.
final class ReconcilerTests: XCTestCase {
    func check(
        _ a: [SyncItem], _ b: [SyncItem], onlyA: [SyncItem], onlyB: [SyncItem],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> SyncPair.Outcome {
        let outcome = try SyncPair.run(SyncItems(a), SyncItems(b))
        XCTAssertTrue(outcome.isExact(onlyA: onlyA, onlyB: onlyB), outcome.summary, file: file, line: line)
        XCTAssertEqual(outcome.repeats, 0, file: file, line: line)
        XCTAssertTrue(outcome.a.isComplete && outcome.b.isComplete, file: file, line: line)
        return outcome
    }

    func testTwoEmptySetsSettleInTwoTinyMessages() throws {
        let outcome = try check([], [], onlyA: [], onlyB: [])
        XCTAssertEqual(outcome.messages, 2)
        // "01 00 02 00" (an empty item list), then "01 00 00" (nothing to say).
        XCTAssertEqual(outcome.bytes, 7)
    }

    func testEmptyAgainstFull() throws {
        let full = SyncSets(seed: 1).items(1000)
        try check([], full, onlyA: [], onlyB: full)
        try check(full, [], onlyA: full, onlyB: [])
    }

    func testIdenticalSetsCostOneQuestionAndOneShortAnswer() throws {
        let items = SyncSets(seed: 2).items(1000)
        let outcome = try check(items, items, onlyA: [], onlyB: [])
        XCTAssertEqual(outcome.messages, 2)
        XCTAssertLessThan(outcome.bytes, 400)
    }

    func testDisjointSets() throws {
        let sets = SyncSets(seed: 3)
        let a = sets.items(500), b = sets.items(500)
        try check(a, b, onlyA: a, onlyB: b)
    }

    func testOneItemMoreOnEitherSide() throws {
        let sets = SyncSets(seed: 4)
        let shared = sets.items(1000)
        let extra = sets.item()
        try check(shared + [extra], shared, onlyA: [extra], onlyB: [])
        try check(shared, shared + [extra], onlyA: [], onlyB: [extra])
        let other = sets.item()
        try check(shared + [extra], shared + [other], onlyA: [extra], onlyB: [other])
    }

    func testSmallSetsUnderTheItemListSize() throws {
        let sets = SyncSets(seed: 5)
        let shared = sets.items(2)
        let a = sets.item(), b = sets.item()
        let outcome = try check(shared + [a], shared + [b], onlyA: [a], onlyB: [b])
        XCTAssertEqual(outcome.messages, 2, "an item list, then the difference")
    }

    func testItemsThatDifferOnlyInTheirTimesAreDifferentItems() throws {
        let sets = SyncSets(seed: 6)
        let shared = sets.items(1000)
        let mine = sets.item()
        let theirs = SyncItem(created: mine.created.adding(milliseconds: 1), id: mine.id)
        let outcome = try check(shared + [mine], shared + [theirs], onlyA: [mine], onlyB: [theirs])
        // The same id on both sides, as two items: each side has its own and needs the other's.
        XCTAssertEqual(outcome.haveA, [mine.id])
        XCTAssertEqual(outcome.needA, [mine.id])
    }

    func testItemsThatShareATimeAreToldApartByTheirIds() throws {
        let sets = SyncSets(seed: 7)
        let time = Timestamp(milliseconds: SyncSets.start)
        let shared = (0..<1000).map { _ in SyncItem(created: time, id: sets.item().id) }
        let a = SyncItem(created: time, id: sets.item().id), b = SyncItem(created: time, id: sets.item().id)
        try check(shared + [a], shared + [b], onlyA: [a], onlyB: [b])
    }

    func testBothSidesEndCompleteAndRefuseAnotherMessage() throws {
        let sets = SyncSets(seed: 8)
        let pair = sets.pair(common: 100, onlyA: 3, onlyB: 3)
        var outcome = try SyncPair.run(pair.a, pair.b)
        XCTAssertEqual(outcome.a.state, .complete)
        XCTAssertEqual(outcome.b.state, .complete)
        let another = SyncMessage(ranges: [SyncRange(upperBound: .infinity, mode: .itemList([]))])
        XCTAssertThrowsError(try outcome.b.respond(to: another)) { XCTAssertEqual($0 as? SyncError, .afterCompletion) }
        XCTAssertEqual(outcome.b.state, .failed)
        XCTAssertThrowsError(try outcome.b.respond(to: another)) { XCTAssertEqual($0 as? SyncError, .alreadyFailed) }
    }

    func testTheReconcilerKeepsTheSetItWasGiven() throws {
        let sets = SyncSets(seed: 9)
        var items = SyncItems(sets.items(100))
        let reconciler = Reconciler(items: items)
        let added = sets.item()
        items.insert(added)
        var outcome = SyncPair.Outcome(a: reconciler, b: Reconciler(items: items))
        var message = outcome.a.initiate()
        while true {
            let step = try outcome.b.respond(to: message)
            outcome.needB += step.need
            outcome.haveB += step.have
            guard let reply = step.reply else { break }
            let back = try outcome.a.respond(to: reply)
            outcome.haveA += back.have
            outcome.needA += back.need
            guard let next = back.reply else { break }
            message = next
        }
        XCTAssertTrue(outcome.isExact(onlyA: [], onlyB: [added]), outcome.summary)
    }
}
