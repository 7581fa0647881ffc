import FerryControl
import FerryWire
import Foundation
import XCTest

/// Clients and peers that vanish while the node is writing to them cost one connection, never the
/// node: SIGPIPE is ignored, so such a write fails with EPIPE instead. A node killed by SIGPIPE
/// ends with signal 13, which `checkAlive` names.
final class VanishingPeerTests: IntegrationTestCase {
    /// (a) A control client asks for a listing of about 2.5 MiB and hangs up after one line, three
    /// times; then `ferry inbox | head -1` through a real pipe, plain and `--json`. The node keeps
    /// running, answers, and still lists everything.
    func testClientsThatHangUpMidListingDoNotKillTheNode() throws {
        let (a, b) = try makePair()
        try b.start()
        try a.start(peers: ["\(b.address)@\(try b.endpoint)"])
        let count = 300
        let ids = try sendLines(from: a, to: "bob", (1...count).map { text("listing \($0)", bytes: 8 * 1024) }, timeout: 60)
        try waitUntil("bob holds all \(count) messages", seconds: 60) { try b.status().inbox == count }

        for round in 1...3 {
            try readOneListingLineAndHangUp(b)
            try b.checkAlive("after control client \(round) hung up mid-listing")
        }
        for arguments in [["inbox"], ["inbox", "--json"]] {
            let piped = try runFerryClosingAfterFirstLine(arguments + ["--data", b.dataDir], in: scratch)
            XCTAssertFalse(piped.firstLine.isEmpty, "ferry \(arguments.joined(separator: " ")) | head -1 printed a line")
            XCTAssertNotNil(piped.termination, "the CLI ends once its reader is gone")
            try b.checkAlive("after ferry \(arguments.joined(separator: " ")) | head -1")
        }
        let listed = try b.inbox()
        XCTAssertEqual(listed.count, count, "a full listing still works")
        XCTAssertEqual(Set(listed.map(\.id)), Set(ids))
        try b.checkAlive("at the end")
        try a.checkAlive("at the end")
    }

    /// (b) Carol, a contact bob is streaming large messages to, sends a burst of envelopes and
    /// resets the connection (RST) in the middle of it while bob is still writing to her, ten
    /// times. Bob keeps running, stores each of carol's messages at most once, and a last link
    /// from carol gets a proof for every envelope of the burst. (With SIGPIPE left at its default,
    /// bob dies of it within the first few rounds.)
    func testPeerThatResetsMidBurstCostsOnlyItsLink() throws {
        let b = try makeNode("bob")
        let carol = try HostileIdentity.generate()
        try b.addContact(name: "carol", card: carol.card)
        try b.start()
        let port = try XCTUnwrap(b.port)
        // More for carol than the sockets hold, so bob is still writing when she resets.
        _ = try sendLines(from: b, to: "carol", (1...48).map { text("to carol \($0)", bytes: 48 * 1024) })
        let envelopes = try (1...24).map { try carol.seal("burst \($0)", toCard: b.card) }
        let burst = envelopes.map { Frame.envelope($0.encoded()) }

        for round in 1...10 {
            let peer = try HostilePeer(carol, port: port)
            try peer.link()
            let bytes = try peer.ciphertext(for: burst)
            // Two thirds of the burst: the last envelope sent is cut in the middle.
            try peer.writeRaw(Array(bytes.prefix(bytes.count * 2 / 3)))
            try peer.pump("bob streams carol a few messages in round \(round)", seconds: 10) {
                peer.frames.filter { if case .envelope = $0 { return true } else { return false } }.count >= 4
            }
            peer.reset()
            try b.checkAlive("after carol reset her link mid-burst in round \(round)")
        }

        let fromCarol = try b.inbox().filter { $0.from == carol.address.text }
        XCTAssertEqual(Set(fromCarol.map(\.id)).count, fromCarol.count, "no message of carol's stored twice")
        let last = try HostilePeer(carol, port: port)
        try last.link()
        try last.writeRaw(try last.ciphertext(for: burst))
        try last.pump("bob answers all \(envelopes.count) envelopes with proofs", seconds: 20) {
            envelopes.allSatisfy { last.answers(for: $0.id).contains { if case .proof = $0 { return true } else { return false } } }
        }
        XCTAssertEqual(try b.inbox().filter { $0.from == carol.address.text }.count, envelopes.count, "each envelope stored once")
        try b.checkAlive("at the end")
    }

    /// (c) Bob (the recipient) is SIGKILLed while alice streams messages to him, 20 times; alice
    /// keeps running after each. Then bob comes back and has every message exactly once. (Linux
    /// reports the first write after a peer's reset as ECONNRESET, without a signal, and libuv
    /// then closes the stream; so this checks survival and exactly-once delivery across crashes
    /// more than SIGPIPE itself, which (a) and (b) provoke.)
    func testSenderSurvivesRecipientKilledMidStreamTwentyTimes() throws {
        let (a, b) = try makePair()
        try a.start()
        let seed = "\(a.address)@\(try a.endpoint)"
        var ids: [String] = []
        for trial in 1...20 {
            ids += try sendLines(from: a, to: "bob", (1...10).map { text("trial \(trial) message \($0)", bytes: 4 * 1024) })
            let pending = try a.status().outboxPending
            // Bob dials alice as soon as he starts; alice streams what she holds for him.
            try b.start(peers: [seed])
            try waitUntil("alice has a first proof from bob in trial \(trial)") { try a.status().outboxPending < pending }
            b.kill9()
            try a.checkAlive("after bob was killed mid-stream in trial \(trial)")
        }
        try b.start()
        try waitUntil("alice has a proof for each of the \(ids.count) messages", seconds: 30) { try a.status().outboxPending == 0 }
        let inbox = try b.inbox()
        XCTAssertEqual(inbox.count, ids.count, "no message twice, none lost")
        XCTAssertEqual(Set(inbox.map(\.id)), Set(ids))
        try a.checkAlive("at the end")
    }

    /// Asks for the whole inbox on a raw control connection, reads one line, and closes it with
    /// the rest of the listing unread.
    private func readOneListingLineAndHangUp(_ node: FerryNodeProcess) throws {
        let client = try node.client()
        try client.send(ControlRequest(op: "inbox", after: 0))
        let first = try client.receive(timeoutMilliseconds: 5_000)
        XCTAssertNotNil(first.message, "the listing starts with a message: \(first)")
        // `client` is released here, which closes the connection.
    }
}
