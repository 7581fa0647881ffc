import FerryControl
import Foundation
import XCTest

/// A backlog of the largest messages drains once the recipient is back, by bytes, each message
/// exactly once, and an inbox of several MiB lists in full.
final class BacklogTests: IntegrationTestCase {
    /// 70 messages of 65,536 bytes (the CLI's limit) queued while bob is down all arrive exactly
    /// once when he comes up; `ferry inbox --json` then lists all 70 (over 4 MiB of text, which
    /// used to be cut off).
    func testSeventyLargestMessagesQueuedWhileDownArriveOnceAndListInFull() throws {
        let (a, b) = try makePair()
        try a.start()
        let texts = (1...70).map { text("large \($0) of 70", bytes: 65_536) }
        let ids = try sendLines(from: a, to: "bob", texts, timeout: 60)
        XCTAssertEqual(Set(ids).count, 70)
        XCTAssertEqual(try a.status().outboxPending, 70)

        // Bob dials alice when he starts; alice's whole backlog is for him.
        try b.start(peers: ["\(a.address)@\(try a.endpoint)"])
        try waitUntil("alice has proofs for all 70", seconds: 60) { try a.status().outboxPending == 0 }
        for id in ids { _ = try a.waitForReceipt(id) }
        let sender = try a.status()
        XCTAssertEqual(sender.outboxDelivered, 70)
        XCTAssertEqual(sender.outboxPending, 0)
        XCTAssertEqual(try b.status().inbox, 70, "each message stored once")

        let listed = try b.inbox()
        XCTAssertEqual(listed.count, 70, "the listing is not cut off")
        XCTAssertEqual(listed.reduce(0) { $0 + $1.text.utf8.count }, 70 * 65_536)
        XCTAssertEqual(Set(listed.map(\.id)), Set(ids))
        let textByID = Dictionary(uniqueKeysWithValues: zip(ids, texts))
        for item in listed {
            XCTAssertEqual(item.text, textByID[item.id], "text of \(item.id)")
            XCTAssertEqual(item.from, a.address)
        }
    }
}
