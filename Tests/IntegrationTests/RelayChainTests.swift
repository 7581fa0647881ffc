import FerryControl
import Foundation
import XCTest

/// A message crosses two relays that each know only their neighbours, and the proof comes back.
final class RelayChainTests: IntegrationTestCase {
    /// A–R1–R2–B, each dialling only the next one: `send --wait` at A says `delivered via mesh, 3
    /// hops`, B's inbox shows the same, the relays forwarded and then dropped their copies on the
    /// proof, and A's outbox is empty. A never links to B; it knows B only from B's card.
    func testChainOfTwoRelaysDeliversAndProofComesBack() throws {
        let a = try makeNode("alice")
        let r1 = try makeNode("relay1")
        let r2 = try makeNode("relay2")
        let b = try makeNode("bob")
        try a.addContact(b)
        try b.start()
        try r2.start(peers: [try b.pin])
        try r1.start(peers: [try r2.pin])
        try a.start(peers: [try r1.pin])
        // Messages go out on the links up when they are sent (no reconciliation is relied on).
        try waitUntilLinked(r2, b)
        try waitUntilLinked(r1, r2)
        try waitUntilLinked(a, r1)

        let text = "over two relays \(UUID().uuidString)"
        let sent = try ferry(["send", "--data", a.dataDir, "bob", text, "--wait", "\(Int(Harness.deliverySecondsMax))"])
        XCTAssertEqual(sent.exitCode, 0, "\(sent)")
        XCTAssertEqual(sent.stdoutLines.count, 2, "\(sent)")
        let id = try XCTUnwrap(sent.stdoutLines.first)
        XCTAssertEqual(sent.stdoutLines.last, "delivered via mesh, 3 hops", "\(sent)")

        let inbox = try b.inbox()
        XCTAssertEqual(inbox.map(\.id), [id], "bob holds the message once")
        XCTAssertEqual(inbox.first?.text, text)
        XCTAssertEqual(inbox.first?.from, a.address)
        XCTAssertEqual(inbox.first?.path, "mesh")
        XCTAssertEqual(inbox.first?.hops, 3)

        XCTAssertEqual(try a.outboxJSON(), [], "alice's outbox is empty once the proof is in")
        for relay in [r1, r2] {
            try waitUntilRelay(relay, holds: 0)
            let status = try relay.statusJSON()
            XCTAssertEqual(status.relay, 0, "\(relay.name)")
            XCTAssertEqual(status.relayBytes, 0, "\(relay.name)")
            XCTAssertGreaterThanOrEqual(status.forwarded ?? 0, 1, "\(relay.name) counts what it handed on")
            XCTAssertGreaterThanOrEqual(status.proofsSeen ?? 0, 1, "\(relay.name) learnt the proof")
            XCTAssertEqual(status.inbox, 0, "\(relay.name) opened nothing")
        }
        let aStatus = try a.statusJSON()
        XCTAssertEqual(aStatus.outboxPending, 0)
        XCTAssertEqual(aStatus.outboxDelivered, 1)
        XCTAssertFalse(try a.peerLinks().contains { $0.address == b.address }, "alice never linked to bob")
        XCTAssertFalse(try b.peerLinks().contains { $0.address == a.address }, "bob never linked to alice")
    }
}
