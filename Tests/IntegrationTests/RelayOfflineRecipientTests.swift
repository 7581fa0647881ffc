import FerryControl
import Foundation
import XCTest

/// The recipient is down when the message is sent; the relays carry it until it comes up.
final class RelayOfflineRecipientTests: IntegrationTestCase {
    /// A–R1–R2 up, B down: the copy waits at R2; B comes up linked only to R2, gets it once, and
    /// the proof travels back to A through both relays, which drop their copies.
    func testRelaysHoldMessageUntilRecipientComesUp() throws {
        let a = try makeNode("alice")
        let r1 = try makeNode("relay1")
        let r2 = try makeNode("relay2")
        let b = try makeNode("bob")
        try a.addContact(b)
        try r2.start()
        try r1.start(peers: [try r2.pin])
        try a.start(peers: [try r1.pin])
        try waitUntilLinked(r1, r2)
        try waitUntilLinked(a, r1)

        let text = "sent while bob was away \(UUID().uuidString)"
        let id = try send(from: a, to: "bob", text)
        try waitUntilRelay(r2, holds: 1)
        try waitUntilRelay(r1, holds: 1)
        XCTAssertEqual(try a.outboxJSON().map(\.id), [id], "alice still waits for the proof")

        try b.start(peers: [try r2.pin])
        let receipt = try a.waitForReceipt(id)
        XCTAssertEqual(receipt.path, "mesh")
        XCTAssertEqual(receipt.hops, 3)

        // A second message on the same path: once its proof is in, a duplicate of the first
        // would have reached bob before it.
        let marker = try send(from: a, to: "bob", "marker after bob came up")
        try a.waitForReceipt(marker)
        let inbox = try b.inbox()
        XCTAssertEqual(inbox.map(\.id), [id, marker], "each message once, in order")
        XCTAssertEqual(inbox.first?.text, text)
        XCTAssertEqual(inbox.first?.path, "mesh")
        XCTAssertEqual(inbox.first?.hops, 3)

        XCTAssertEqual(try a.outboxJSON(), [])
        for relay in [r1, r2] {
            try waitUntilRelay(relay, holds: 0)
            XCTAssertGreaterThanOrEqual(try relay.statusJSON().forwarded ?? 0, 2, "\(relay.name) handed both messages on")
        }
    }
}
