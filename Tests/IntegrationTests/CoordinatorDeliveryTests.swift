import FerryControl
import Foundation
import XCTest

/// The coordinator while it is up (DESIGN.md §The coordinator, §Routing: "a coordinator for the
/// recipient is connected: hand it over"): two nodes with no mesh link between them talk through it.
final class CoordinatorDeliveryTests: IntegrationTestCase {
    /// A and B link only to C (`--no-discovery`, no `--peer`): `send --wait` at A says `delivered
    /// via coordinator, 2 hops`, B's inbox shows path `coordinator`, C keeps no copy after the
    /// proof. Then B goes offline, A sends again, C keeps the message in B's mailbox, and B gets
    /// it when it links to C again; A gets the proof through C.
    func testTwoNodesWithoutAMeshLinkTalkThroughTheCoordinator() throws {
        let c = try makeCoordinator("coord")
        let (a, b) = try makePair()
        try c.start()
        try use([c], at: a)
        try use([c], at: b)
        try a.start()
        try b.start()
        try waitUntilCoordinator(c, is: "up", at: a)
        try waitUntilCoordinator(c, is: "up", at: b)
        let cStatus = try c.statusJSON()
        XCTAssertEqual(cStatus.role, "coordinator")
        XCTAssertEqual(cStatus.mailboxes?.messages, 0)
        XCTAssertEqual(try a.statusJSON().role, "node")

        let text = "through the coordinator \(UUID().uuidString)"
        let started = Date()
        let sent = try ferry(["send", "--data", a.dataDir, "bob", text, "--wait", "\(Int(Harness.deliverySecondsMax))"])
        let took = Date().timeIntervalSince(started)
        XCTAssertEqual(sent.exitCode, 0, "\(sent)")
        let id = try XCTUnwrap(sent.stdoutLines.first)
        XCTAssertEqual(sent.stdoutLines.last, "delivered via coordinator, 2 hops", "\(sent)")
        print("send --wait through the coordinator took \(String(format: "%.2f", took)) s")
        let inbox = try b.inbox()
        XCTAssertEqual(inbox.map(\.id), [id], "bob holds the message once")
        XCTAssertEqual(inbox.first?.text, text)
        XCTAssertEqual(inbox.first?.from, a.address)
        XCTAssertEqual(inbox.first?.path, "coordinator")
        XCTAssertEqual(inbox.first?.hops, 2)
        try waitUntilMailboxes(c, hold: 0)
        XCTAssertEqual(try a.coordinatorInfo(c)?.handed, 1, "alice handed one message to her coordinator")
        XCTAssertFalse(try a.peerLinks().contains { $0.address == b.address }, "alice never linked to bob")

        // Bob offline: the coordinator keeps the message in his mailbox until he links again.
        b.stop()
        try waitUntil("the coordinator no longer links to bob") { !(try c.peerLinks().contains { $0.address == b.address }) }
        let later = "while bob is offline \(UUID().uuidString)"
        let laterID = try send(from: a, to: "bob", later)
        try waitUntilMailboxes(c, hold: 1)
        let mailbox = try XCTUnwrap(c.statusJSON().mailboxes)
        XCTAssertEqual(mailbox.addresses.map(\.address), [b.address], "it is bob's mailbox: \(mailbox)")
        try b.start()
        try waitUntil("bob has the message sent while he was offline") { try b.inbox().contains { $0.id == laterID } }
        let inboxAfter = try b.inbox()
        XCTAssertEqual(inboxAfter.map(\.id), [id, laterID], "each message once")
        XCTAssertEqual(inboxAfter.last?.text, later)
        XCTAssertEqual(inboxAfter.last?.path, "coordinator")
        XCTAssertEqual(inboxAfter.last?.hops, 2)
        let receipt = try a.waitForReceipt(laterID)
        XCTAssertEqual(receipt.path, "coordinator")
        try waitUntilMailboxes(c, hold: 0)
        XCTAssertEqual(try a.statusJSON().outboxPending, 0)
    }
}
