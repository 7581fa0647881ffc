@testable import FerryTestbed
import XCTest

final class LinkFaultsTests: XCTestCase {
    func testCutAndHealChangeOneLink() {
        var faults = LinkFaults()
        let cut = faults.apply(.cut("b", "a"))
        XCTAssertEqual(cut, [LinkChange(pair: LinkPair("a", "b"), old: .intact, new: LinkCondition(cutByEvent: true))])
        XCTAssertEqual(faults.apply(.cut("a", "b")), [], "cutting a cut link changes nothing")
        XCTAssertEqual(faults.apply(.heal("a", "b")).map(\.new), [.intact])
        XCTAssertTrue(faults.conditions.isEmpty)
    }

    func testJoinRestoresWhatTheSplitCutButNotExplicitCuts() {
        var faults = LinkFaults()
        _ = faults.apply(.cut("a", "c"))
        let split = faults.apply(.split([["a", "b"], ["c"]]))
        XCTAssertEqual(split.map(\.pair), [LinkPair("a", "c"), LinkPair("b", "c")])
        let join = faults.apply(.join)
        XCTAssertEqual(join.map(\.pair), [LinkPair("a", "c"), LinkPair("b", "c")])
        XCTAssertEqual(faults.conditions[LinkPair("a", "c")], LinkCondition(cutByEvent: true), "a–c was cut on its own")
        XCTAssertNil(faults.conditions[LinkPair("b", "c")])
    }

    func testHealBringsBackALinkASplitCut() {
        var faults = LinkFaults()
        _ = faults.apply(.split([["a"], ["b"]]))
        XCTAssertEqual(faults.apply(.heal("a", "b")).map(\.new), [.intact])
    }

    func testImpairAndClearLeaveACutInPlace() {
        var faults = LinkFaults()
        _ = faults.apply(.cut("a", "b"))
        _ = faults.apply(.impair("a", "b", lossPercent: 20, delayMilliseconds: 200))
        XCTAssertEqual(faults.faulted(involving: "a").map(\.condition), [
            LinkCondition(cutByEvent: true, impairment: .init(lossPercent: 20, delayMilliseconds: 200)),
        ])
        _ = faults.apply(.clear("a", "b"))
        XCTAssertEqual(faults.faulted(involving: "b").map(\.condition), [LinkCondition(cutByEvent: true)])
        XCTAssertEqual(faults.faulted(involving: "c").count, 0)
    }

    func testFaultRequestsCarryOnlyWhatChanged() {
        let impaired = LinkCondition(impairment: .init(lossPercent: 20, delayMilliseconds: 200))
        let cutAndImpaired = LinkCondition(cutByEvent: true, impairment: impaired.impairment)
        let fromNothing = FaultHook.requests(peer: "p", from: .intact, to: cutAndImpaired)
        XCTAssertEqual(fromNothing.map(\.fault), ["cut", "impair"])
        XCTAssertEqual(fromNothing.map(\.peer), ["p", "p"])
        XCTAssertEqual(fromNothing[1].lossPercent, 20)
        XCTAssertEqual(fromNothing[1].delayMs, 200)
        XCTAssertNil(fromNothing[0].lossPercent, "only impair carries loss and delay")
        XCTAssertEqual(FaultHook.requests(peer: "p", from: cutAndImpaired, to: impaired).map(\.fault), ["heal"])
        XCTAssertEqual(FaultHook.requests(peer: "p", from: impaired, to: .intact).map(\.fault), ["clear"])
        XCTAssertEqual(FaultHook.requests(peer: "p", from: .intact, to: .intact).count, 0)
    }
}
