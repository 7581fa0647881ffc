import FerryControl
import Foundation
import XCTest

/// What the CLI writes to a terminal or a pipe: a reader that goes away early ends the CLI
/// quietly, and a sender cannot put terminal escapes or fake lines on the recipient's screen.
final class OutputSafetyTests: IntegrationTestCase {
    /// Four messages of 60 000 bytes: more than a pipe holds (64 KiB), so the CLI is still writing
    /// when its reader closes after the first line.
    static let bigMessageCount = 4
    static let bigMessageBytes = 60_000

    /// `ferry inbox | head -1` and `ferry contacts list --json | head -1`: exit 0, nothing on
    /// stderr (no crash, no trace), and the node keeps answering.
    func testReaderClosingAfterTheFirstLineEndsTheCLIQuietly() throws {
        let (a, b) = try makePair()
        try b.start()
        try a.start(peers: ["\(b.address)@\(try b.endpoint)"])
        let ids = try (0..<Self.bigMessageCount).map { index in
            try send(from: a, to: "bob", "\(index) " + String(repeating: "x", count: Self.bigMessageBytes))
        }
        for id in ids { _ = try a.waitForReceipt(id) }

        for arguments in [["inbox"], ["inbox", "--json"]] {
            let shown = try runFerryClosingAfterFirstLine(arguments + ["--data", b.dataDir], in: scratch)
            XCTAssertEqual(shown.termination, .exited(0), "ferry \(arguments): \(shown)")
            XCTAssertEqual(shown.stderr, "", "ferry \(arguments): \(shown)")
            XCTAssertTrue(shown.firstLine.contains("xxxxxxxxxx"), "ferry \(arguments): \(shown)")
        }
        XCTAssertEqual(try b.status().inbox, Self.bigMessageCount, "bob's node still answers")
        XCTAssertTrue(b.isRunning)

        // 60 cards of about 1.8 KB each: over 100 KB of `contacts list --json`.
        let cards = Dictionary(uniqueKeysWithValues: (0..<60).map { (String(format: "contact%02d", $0), b.card) })
        try JSONEncoder().encode(cards).write(to: URL(fileURLWithPath: a.dataDir + "/contacts.json"))
        let listed = try runFerryClosingAfterFirstLine(["contacts", "list", "--json", "--data", a.dataDir], in: scratch)
        XCTAssertEqual(listed.termination, .exited(0), "\(listed)")
        XCTAssertEqual(listed.stderr, "", "\(listed)")
        XCTAssertTrue(listed.firstLine.contains("contact00"), "\(listed)")
        XCTAssertEqual(try a.status().address, a.address, "alice's node still answers")
    }

    /// A body with an escape sequence and a newline shows as one escaped line; a sender who is
    /// not a contact is shown by the full address; JSON keeps the exact text.
    func testInboxEscapesControlCharactersAndShowsUnknownSendersInFull() throws {
        let a = try makeNode("alice")
        let b = try makeNode("bob")
        try a.addContact(b)
        try b.start()
        try a.start(peers: ["\(b.address)@\(try b.endpoint)"])
        let text = "\u{1b}[2J\nfake line\t\u{202e}evil\u{7f}\u{85}"
        _ = try a.waitForReceipt(try send(from: a, to: "bob", text))

        let shown = try ferry(["inbox", "--data", b.dataDir])
        XCTAssertEqual(shown.exitCode, 0, "\(shown)")
        XCTAssertEqual(shown.stdoutLines.count, 1, "one message, one line: \(shown)")
        let line = shown.stdoutLines.first ?? ""
        XCTAssertTrue(line.hasSuffix(#"\x1b[2J\nfake line\t\u{202e}evil\x7f\u{85}"#), "escaped: \(line)")
        XCTAssertFalse(line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x202e }, "no raw control: \(line)")
        XCTAssertTrue(line.contains("  \(a.address)  "), "unknown sender by full address: \(line)")

        XCTAssertEqual(try b.inbox().map(\.text), [text], "JSON keeps the exact text")
    }
}
