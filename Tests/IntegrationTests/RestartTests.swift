import FerryControl
import Foundation
import XCTest

/// A node that crashed comes back at once, where it was.
final class RestartTests: IntegrationTestCase {
    /// (i) After SIGKILL, with a peer's link open at the time, a restart binds the same fixed
    /// port at once and the peer comes back.
    func testRestartAfterKillRebindsSamePort() throws {
        let (a, b) = try makePair()
        let port = try RawSocket.freePort()
        try b.start(listen: "127.0.0.1:\(port)")
        try a.start(peers: ["\(b.address)@127.0.0.1:\(port)"])
        try waitUntil("alice and bob are linked") { try b.peerLinks().contains { $0.established } }

        b.kill9()
        try b.start()
        XCTAssertEqual(try b.status().listen, "127.0.0.1:\(port)")
        try waitUntil("alice dials the restarted bob again") {
            try b.peerLinks().contains { $0.established && $0.address == a.address }
        }
    }

    /// Beyond the brief: B is SIGKILLed while 50 messages are on their way in; after B restarts
    /// every message is in its inbox exactly once and A has every delivery proof.
    func testRecipientCrashMidStreamLosesAndDuplicatesNothing() throws {
        let (a, b) = try makePair()
        try b.start()
        try a.start(peers: ["\(b.address)@\(try b.endpoint)"])
        try waitUntil("alice and bob are linked") { try a.peerLinks().contains { $0.established } }

        let texts = (1...50).map { "burst \($0)" }
        let sent = try ferry(["send", "--data", a.dataDir, "bob", "-", "--lines"], stdin: texts.joined(separator: "\n") + "\n")
        XCTAssertEqual(sent.exitCode, 0, "\(sent)")
        let ids = sent.stdoutLines
        XCTAssertEqual(ids.count, 50)
        try waitUntil("bob has started receiving") { try b.status().inbox >= 1 }
        b.kill9()

        try b.restart()
        for id in ids { _ = try a.waitForReceipt(id) }
        let inbox = try b.inbox()
        XCTAssertEqual(inbox.count, 50, "no message twice, none lost")
        XCTAssertEqual(Set(inbox.map(\.id)), Set(ids))
    }
}
