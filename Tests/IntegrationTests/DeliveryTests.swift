import FerryControl
import Foundation
import XCTest

/// Messages reach the recipient exactly once, and the sender gets the delivery proof, whether the
/// recipient is up, comes up later, or the sender crashed in between.
final class DeliveryTests: IntegrationTestCase {
    /// (a) 50 lines through one `send --lines`: 50 ids, each in B's inbox once with its text, a
    /// delivery proof for each at A.
    func testFiftyMessagesArriveOnceEachWithReceipts() throws {
        let (a, b) = try makePair()
        try b.start()
        try a.start(peers: ["\(b.address)@\(try b.endpoint)"])
        let texts = (1...50).map { "message \($0) of 50 from alice" }

        let sent = try ferry(["send", "--data", a.dataDir, "bob", "-", "--lines"], stdin: texts.joined(separator: "\n") + "\n")
        XCTAssertEqual(sent.exitCode, 0, "\(sent)")
        let ids = sent.stdoutLines
        XCTAssertEqual(ids.count, 50, "\(sent)")
        XCTAssertEqual(Set(ids).count, 50, "ids are unique")
        let textByID = Dictionary(uniqueKeysWithValues: zip(ids, texts))

        for id in ids { _ = try a.waitForReceipt(id) }
        try waitUntil("alice counts 50 delivered and none pending") {
            let status = try a.statusJSON()
            return status.outboxDelivered == 50 && status.outboxPending == 0
        }

        let inbox = try b.inbox()
        XCTAssertEqual(inbox.count, 50, "bob's inbox holds each message once")
        XCTAssertEqual(Set(inbox.map(\.id)), Set(ids))
        for item in inbox {
            XCTAssertEqual(item.text, textByID[item.id], "text of \(item.id)")
            XCTAssertEqual(item.from, a.address)
            XCTAssertEqual(item.fromName, "alice")
        }
        XCTAssertEqual(try b.status().inbox, 50)
    }

    /// (b) B is initialised but down while A sends; A keeps dialling, B comes up, the message
    /// arrives and A gets its delivery proof.
    func testMessageWaitsForOfflineRecipient() throws {
        let (a, b) = try makePair()
        let port = try RawSocket.freePort()
        try a.start(peers: ["\(b.address)@127.0.0.1:\(port)"])
        let id = try send(from: a, to: "bob", "sent while bob was away")
        try waitUntil("alice has tried bob's port and failed") { a.logCount("cannot reach seed 127.0.0.1:\(port)") >= 1 }
        XCTAssertEqual(try a.status().outboxPending, 1)

        try b.start(listen: "127.0.0.1:\(port)")
        _ = try a.waitForReceipt(id)
        let inbox = try b.inbox()
        XCTAssertEqual(inbox.map(\.id), [id])
        XCTAssertEqual(inbox.first?.text, "sent while bob was away")
        XCTAssertEqual(try a.status().outboxDelivered, 1)
    }

    /// (c) A is SIGKILLed right after `send` printed the id, with B down; A restarts on the
    /// same data dir (stale socket and lock), B comes up, the message arrives once.
    func testMessageSurvivesSenderCrash() throws {
        let (a, b) = try makePair()
        let port = try RawSocket.freePort()
        try a.start(peers: ["\(b.address)@127.0.0.1:\(port)"])
        let id = try send(from: a, to: "bob", "sent just before a crash")
        a.kill9()
        XCTAssertTrue(FileManager.default.fileExists(atPath: a.dataDir + "/control.sock"), "the crash left the socket file")

        try a.restart()
        XCTAssertEqual(try a.status().outboxPending, 1, "the message is still in custody after the crash")
        try b.start(listen: "127.0.0.1:\(port)")
        _ = try a.waitForReceipt(id)

        // A second message on the same link: once its proof is in, any duplicate of the
        // first would have arrived before it.
        let marker = try send(from: a, to: "bob", "marker after the crash")
        _ = try a.waitForReceipt(marker)
        let inbox = try b.inbox()
        XCTAssertEqual(inbox.filter { $0.id == id }.count, 1, "delivered exactly once")
        XCTAssertEqual(inbox.map(\.id), [id, marker])
        XCTAssertEqual(try a.status().outboxDelivered, 2)
    }
}
