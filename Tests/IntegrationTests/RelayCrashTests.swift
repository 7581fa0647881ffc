import FerryControl
import Foundation
import XCTest

/// A relay that holds the only copy of a message crashes; the copy survives and is delivered.
final class RelayCrashTests: IntegrationTestCase {
    /// A–R–B with B down: R holds the copy and A has handed its copies out; A stops, R is
    /// SIGKILLed and restarts on the same data dir and port, B comes up linked to R and gets the
    /// message once; R drops its copy on B's proof.
    func testRelayCrashWithOnlyCopyStillDeliversOnce() throws {
        let crash = try crashRelayHoldingOnlyCopy()
        XCTAssertEqual(try crash.relay.statusJSON().relayBytes, 0)
        XCTAssertGreaterThanOrEqual(try crash.relay.statusJSON().forwarded ?? 0, 1, "the relay counts the delivery")
    }

    /// After the same crash and delivery, A comes back linked to R and gets the proof R holds.
    /// Only the proof can tell A: R no longer has the message to offer, and A's link to B never
    /// existed. On relink the proof is one exchange away, so the wait is short.
    func testSenderGetsProofFromRestartedRelayWhenItRelinks() throws {
        let crash = try crashRelayHoldingOnlyCopy()
        try crash.sender.start()
        try waitUntilLinked(crash.sender, crash.relay)
        let receipt = try crash.sender.waitForReceipt(crash.id, seconds: Self.relinkProofSecondsMax)
        XCTAssertEqual(receipt.path, "mesh")
        XCTAssertEqual(receipt.hops, 2)
        XCTAssertEqual(try crash.sender.outboxJSON(), [])
        XCTAssertEqual(try crash.recipient.inbox().map(\.id), [crash.id], "still once")
    }

    static let relinkProofSecondsMax: TimeInterval = 10

    private struct Crash {
        let sender: FerryNodeProcess
        let relay: FerryNodeProcess
        let recipient: FerryNodeProcess
        let id: String
    }

    /// A sends to B through R while B is down; once R holds the copy and A's copies are out, A
    /// stops, R is SIGKILLed and restarted, B comes up linked only to R. Returns once B has the
    /// message (checked: once, 2 hops, mesh) and R has dropped its copy; A is left stopped.
    private func crashRelayHoldingOnlyCopy() throws -> Crash {
        let a = try makeNode("alice")
        let r = try makeNode("relay")
        let b = try makeNode("bob")
        try a.addContact(b)
        try r.start()
        try a.start(peers: [try r.pin])
        try waitUntilLinked(a, r)

        let text = "held by a relay that crashes \(UUID().uuidString)"
        let id = try send(from: a, to: "bob", text)
        try waitUntilRelay(r, holds: 1)
        try waitUntil("alice's outbox shows copies handed to the relay, acknowledged") {
            try a.outboxJSON().contains { $0.id == id && $0.copiesOut > 0 && $0.inflightLinks == 0 }
        }
        a.stop()
        r.kill9()

        try r.start()
        XCTAssertEqual(try r.statusJSON().relay, 1, "the relay copy survived the crash")
        try b.start(peers: [try r.pin])
        try waitUntilRelay(r, holds: 0)
        let inbox = try b.inbox()
        XCTAssertEqual(inbox.map(\.id), [id], "bob holds the message once")
        XCTAssertEqual(inbox.first?.text, text)
        XCTAssertEqual(inbox.first?.path, "mesh")
        XCTAssertEqual(inbox.first?.hops, 2)
        XCTAssertEqual(try b.status().inbox, 1)
        return Crash(sender: a, relay: r, recipient: b, id: id)
    }
}
