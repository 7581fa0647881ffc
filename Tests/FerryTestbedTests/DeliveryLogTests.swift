import FerryControl
@testable import FerryTestbed
import XCTest

final class DeliveryLogTests: XCTestCase {
    private func item(_ id: String, seq: Int64, path: String = "direct") -> InboxItem {
        InboxItem(seq: seq, id: id, from: "f", fromName: "a", text: "x", sentAtMs: 0, receivedAtMs: 0, path: path, hops: 1)
    }

    func testFirstDeliveryWinsAndRepeatsAreDuplicates() {
        var log = DeliveryLog()
        log.sent(id: "m1", from: "a", to: "b", atMs: 100)
        XCTAssertNotNil(log.observe(item("m1", seq: 1), at: "b", atMs: 150))
        XCTAssertNil(log.observe(item("m1", seq: 2, path: "mesh"), at: "b", atMs: 400))
        XCTAssertEqual(log.records[0].deliveredMs, 150)
        XCTAssertEqual(log.records[0].path, "direct")
        XCTAssertEqual(log.records[0].duplicates, 1)
        XCTAssertTrue(log.allDelivered)
        XCTAssertEqual(log.deliveredTo["b"], 1)
    }

    func testADeliveryReadBeforeItsSendReplyIsKept() {
        var log = DeliveryLog()
        log.observe(item("m1", seq: 1), at: "b", atMs: 120)
        log.sent(id: "m1", from: "a", to: "b", atMs: 100)
        XCTAssertEqual(log.records[0].deliveredMs, 120)
    }

    func testOnlyTheRecipientsInboxCountsAndTimesNeverGoBackwards() {
        var log = DeliveryLog()
        log.sent(id: "m1", from: "a", to: "b", atMs: 100)
        XCTAssertNil(log.observe(item("m1", seq: 1), at: "c", atMs: 150))
        XCTAssertFalse(log.allDelivered)
        log.observe(item("m1", seq: 1), at: "b", atMs: 90)
        XCTAssertEqual(log.records[0].deliveredMs, 100, "a node clock a little behind still gives latency 0, not less")
    }

    func testRecoveryIsTheFirstDeliveryOfAMessageSentAtOrAfterTheFault() {
        let messages = [
            MessageRecord(id: "1", from: "a", to: "b", sentMs: 900, deliveredMs: 5_000),
            MessageRecord(id: "2", from: "a", to: "b", sentMs: 1_000, deliveredMs: 3_500),
            MessageRecord(id: "3", from: "a", to: "b", sentMs: 2_000, deliveredMs: 2_600),
            MessageRecord(id: "4", from: "a", to: "b", sentMs: 9_000),
        ]
        let faults = [
            FaultRecord(atMs: 1_000, kind: "kill", description: "kill c1"),
            FaultRecord(atMs: 8_000, kind: "restart", description: "restart c1"),
        ]
        let recovered = DeliveryLog.recovery(of: faults, messages: messages)
        XCTAssertEqual(recovered.map(\.recoveryMs), [1_600, nil])
    }
}
