import FerryControl
import Foundation
import XCTest

/// `--peer ADDRESS@HOST:PORT`: whoever answers there must be ADDRESS.
final class PinningTests: IntegrationTestCase {
    /// (d) A pins C but B answers: no link, nothing delivered; with B pinned it is.
    func testWrongKeyAtPinnedSeedIsRefused() throws {
        let (a, b) = try makePair()
        let c = try makeNode("carol")
        try b.start()
        let refusal = "expected \(c.address)"
        try a.start(peers: ["\(c.address)@\(try b.endpoint)"])

        try waitUntil("alice refuses bob's key at a seed pinned to carol") { a.logCount(refusal) >= 1 }
        XCTAssertTrue(try a.peersJSON().allSatisfy { !$0.established }, "no established link at alice")
        XCTAssertEqual(try a.status().links, 0)

        let id = try send(from: a, to: "bob", "must not travel over a link to the wrong key")
        let refusalsAtSend = a.logCount(refusal)
        try waitUntil("alice dials bob again and refuses again, with the message queued") {
            a.logCount(refusal) > refusalsAtSend
        }
        XCTAssertTrue(try a.peerLinks().allSatisfy { !$0.established })
        XCTAssertEqual(try b.inbox().count, 0, "nothing reached bob")
        XCTAssertEqual(try a.status().outboxPending, 1)

        a.stop()
        try a.start(peers: ["\(b.address)@\(try b.endpoint)"])
        _ = try a.waitForReceipt(id)
        XCTAssertEqual(try b.inbox().map(\.id), [id])
        XCTAssertTrue(try a.peerLinks().contains { $0.established && $0.address == b.address })
    }
}
