import FerryControl
import Foundation
import XCTest

/// A node that is never linked to both ends at once carries a message from one to the other
/// (a data mule), and it carries only ciphertext.
final class DataMuleTests: IntegrationTestCase {
    /// A and B never meet and have no path. M links to A and takes a relay copy; M stops, comes
    /// back linked only to B, and B gets the message once; B's proof ends M's custody. Nothing
    /// under M's data dir holds the text in clear, before or after.
    func testMuleCarriesMessageBetweenPartsThatNeverMeet() throws {
        let a = try makeNode("alice")
        let m = try makeNode("mule")
        let b = try makeNode("bob")
        try a.addContact(b)
        try a.start()
        try b.start()
        try m.start(peers: [try a.pin])
        try waitUntilLinked(m, a)

        let text = "carried by the mule \(UUID().uuidString)"
        let id = try send(from: a, to: "bob", text)
        try waitUntilRelay(m, holds: 1)
        try waitUntil("alice's offer to the mule is acknowledged") {
            try a.outboxJSON().contains { $0.id == id && $0.copiesOut > 0 && $0.inflightLinks == 0 }
        }
        let holding = try m.statusJSON()
        XCTAssertEqual(holding.relay, 1)
        XCTAssertGreaterThan(holding.relayBytes ?? 0, text.utf8.count, "the copy is the whole sealed envelope")
        XCTAssertGreaterThan(holding.relayQuotaBytes ?? 0, holding.relayBytes ?? 0)
        try checkNoPlaintext(text, id: id, at: m, while: "holding the copy")
        XCTAssertEqual(m.stop(), .exited(0), "the mule stops cleanly on SIGTERM")
        try checkNoPlaintext(text, id: id, at: m, while: "stopped with the copy")

        try m.start(peers: [try b.pin])
        XCTAssertFalse(try m.isLinked(to: a), "the mule is linked only to bob now")
        try waitUntil("bob has the message") { try b.status().inbox >= 1 }
        try waitUntilRelay(m, holds: 0)
        let status = try m.statusJSON()
        XCTAssertEqual(status.relayBytes, 0)
        XCTAssertGreaterThanOrEqual(status.forwarded ?? 0, 1, "the mule counts the delivery")
        XCTAssertGreaterThanOrEqual(status.proofsSeen ?? 0, 1, "the mule learnt bob's proof")
        XCTAssertEqual(status.inbox, 0)

        let inbox = try b.inbox()
        XCTAssertEqual(inbox.map(\.id), [id], "bob holds the message once")
        XCTAssertEqual(inbox.first?.text, text)
        XCTAssertEqual(inbox.first?.from, a.address)
        XCTAssertEqual(inbox.first?.path, "mesh")
        XCTAssertEqual(inbox.first?.hops, 2)
        XCTAssertFalse(try b.peerLinks().contains { $0.address == a.address }, "alice and bob never met")

        XCTAssertEqual(m.stop(), .exited(0))
        XCTAssertEqual(try m.dataFiles(containing: Array(text.utf8)), [], "the mule's store after delivery")
        XCTAssertEqual(m.logCount(text), 0, "the mule's log never shows the text")
        // A control: the same scan finds the text where it was opened, in bob's inbox.
        XCTAssertFalse(try b.dataFiles(containing: Array(text.utf8)).isEmpty, "the scan finds the text in bob's store")
        // The sender learns the proof only if the mule meets it again and they reconcile; that is
        // not part of this test (reconciliation is not relied on here).
    }

    /// The text is in no file under `node`'s data dir, while the message id (a control: the scan
    /// does see the store) is.
    private func checkNoPlaintext(_ text: String, id: String, at node: FerryNodeProcess, while context: String) throws {
        XCTAssertEqual(try node.dataFiles(containing: Array(text.utf8)), [], "\(node.name)'s data dir, \(context), holds the text in clear")
        XCTAssertFalse(try node.dataFiles(containing: try idBytes(id)).isEmpty, "\(node.name)'s store, \(context), holds the message id")
    }
}
