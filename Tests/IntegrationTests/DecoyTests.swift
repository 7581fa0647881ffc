import FerryControl
import FerryCrypto
import FerryWire
import Foundation
import XCTest

/// A decoy reusing a real message's id (DESIGN.md: nodes remember (id, ack hash) pairs, "so a decoy
/// reusing a known id cannot block the real message"). Carol is a self-made identity bob does
/// not know; she seals a valid envelope to bob with the id of alice's real message and an ack
/// secret of her own.
final class DecoyTests: IntegrationTestCase {
    /// Decoy first: alice's message waits in her outbox while carol's decoy with its id reaches
    /// bob. Then alice delivers: bob's inbox has the real message from alice exactly once, alice
    /// gets her delivery proof, and carol's decoy (if kept at all) shows as carol's and is only ever
    /// answered with its own proof.
    func testDecoyDeliveredFirstDoesNotBlockTheRealMessage() throws {
        let (a, b) = try makePair()
        let port = try RawSocket.freePort()
        try a.start(peers: ["\(b.address)@127.0.0.1:\(port)"])
        let realText = "the real message from alice"
        let realID = try send(from: a, to: "bob", realText)
        a.stop()

        try b.start(listen: "127.0.0.1:\(port)")
        let carol = try HostilePeer(try HostileIdentity.generate(), port: port)
        try carol.link()
        let decoy = try carol.me.seal("a decoy from carol", toCard: b.card, id: try XCTUnwrap(MessageID(text: realID)))
        try carol.send(.envelope(decoy.encoded()))
        try expectOnlyOwnProof(carol, decoy, "for the decoy sent first")

        try a.start()
        try waitUntil("alice has a proof for her message") { try a.status().outboxPending == 0 }
        let inbox = try b.inbox()
        let real = inbox.filter { $0.id == realID && $0.from == a.address }
        XCTAssertEqual(real.count, 1, "the real message is in bob's inbox once: \(inbox)")
        // Without it, the proof wait below would only add its timeout.
        guard real.count == 1 else { return }
        XCTAssertEqual(real.first?.text, realText)
        for item in inbox where item.from != a.address {
            XCTAssertEqual(item.from, carol.me.address.text, "anything else is shown as carol's")
        }
        _ = try a.waitForReceipt(realID)
        XCTAssertEqual(try a.status().outboxDelivered, 1)

        // Carol offers her decoy again, now that bob holds the real message too.
        try carol.send(.envelope(decoy.encoded()))
        try expectOnlyOwnProof(carol, decoy, "for the decoy offered again", answers: 2)
    }

    /// Real message first: alice's message is delivered, then carol offers a decoy with its id.
    /// Bob never answers carol with the real message's ack secret, and his inbox still shows the
    /// real message from alice exactly once.
    func testDecoyAfterTheRealMessageIsNotAnsweredWithItsProof() throws {
        let (a, b) = try makePair()
        try b.start()
        try a.start(peers: ["\(b.address)@\(try b.endpoint)"])
        let sent = try ferry(["send", "--data", a.dataDir, "bob", "the real message from alice", "--wait", "20"])
        XCTAssertEqual(sent.exitCode, 0, "\(sent)")
        let realID = try XCTUnwrap(sent.stdoutLines.first)

        let carol = try HostilePeer(try HostileIdentity.generate(), port: try XCTUnwrap(b.port))
        try carol.link()
        let decoy = try carol.me.seal("a decoy from carol", toCard: b.card, id: try XCTUnwrap(MessageID(text: realID)))
        try carol.send(.envelope(decoy.encoded()))
        try expectOnlyOwnProof(carol, decoy, "for a decoy sent after the real message")

        let inbox = try b.inbox()
        XCTAssertEqual(inbox.filter { $0.id == realID && $0.from == a.address }.count, 1, "\(inbox)")
        for item in inbox where item.from != a.address { XCTAssertEqual(item.from, carol.me.address.text) }
        let status = try a.status()
        XCTAssertEqual(status.outboxDelivered, 1)
        XCTAssertEqual(status.outboxPending, 0)
    }

    /// Waits until bob has answered carol's offers of `decoy` `answers` times; every PROOF among
    /// them must reveal the decoy's own secret (one that hashes to the decoy's ack hash), never
    /// the real message's.
    private func expectOnlyOwnProof(
        _ carol: HostilePeer, _ decoy: Envelope, _ context: String, answers: Int = 1,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        try carol.pump("bob answers carol's decoy \(context)", seconds: 10) { carol.answers(for: decoy.id).count >= answers }
        for answer in carol.answers(for: decoy.id) {
            if case .proof(let proof) = answer {
                XCTAssertTrue(
                    Digests.proofMatches(proof, ackHash: decoy.ackHash),
                    "bob sent carol a proof with a secret that is not the decoy's \(context)", file: file, line: line)
            }
        }
    }
}
