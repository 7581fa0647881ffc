import FerryControl
import Foundation
import XCTest

/// Small things an operator meets first: flags, hints, limits, contacts, addresses.
final class CLIPapercutTests: IntegrationTestCase {
    func testUnknownLogLevelIsAUsageErrorListingTheValidOnes() throws {
        let a = try makeNode("alice")
        let run = try ferry(["run", "--data", a.dataDir, "--listen", "127.0.0.1:0", "--log-level", "loud"], timeout: 10)
        XCTAssertEqual(run.exitCode, 64, "\(run)")
        for level in ["trace", "debug", "info", "notice", "warning", "error"] {
            XCTAssertTrue(run.stderr.contains(level), "lists \(level): \(run)")
        }
    }

    func testVersionIsPrintedByVersionAndHelp() throws {
        let version = try ferry(["--version"])
        XCTAssertEqual(version.exitCode, 0, "\(version)")
        let text = version.stdoutLines.first ?? ""
        XCTAssertNotNil(text.range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression), "\(version)")
        let help = try ferry(["--help"])
        XCTAssertTrue(help.stdout.contains(text), "\(help)")
    }

    /// Before `ferry init`, commands that talk to a node say to run init, not to start a node.
    func testCommandsBeforeInitSayToRunInit() throws {
        let dir = scratch.appendingPathComponent("fresh").path
        for arguments in [["send", "bob", "hi"], ["status"], ["inbox"], ["peers"]] {
            let result = try ferry(arguments + ["--data", dir])
            XCTAssertEqual(result.exitCode, 1, "\(arguments): \(result)")
            XCTAssertEqual(result.stderrLines, ["ferry: no identity in \(dir); create one with: ferry init --data \(dir)"], "\(arguments)")
        }
    }

    /// The "not running" hint repeats the last `ferry run` of that data directory.
    func testNotRunningHintRepeatsTheLastRunArguments() throws {
        let a = try makeNode("alice")
        let seed = "127.0.0.1:\(try RawSocket.freePort())"
        try a.start(peers: [seed])
        var info = stat()
        XCTAssertEqual(stat(a.dataDir + "/run.args", &info), 0, "ferry run wrote run.args")
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
        a.stop()

        let status = try ferry(["status", "--data", a.dataDir])
        XCTAssertEqual(status.exitCode, 1, "\(status)")
        XCTAssertEqual(status.stderrLines.count, 1, "\(status)")
        let expected = "start one with: ferry run --data \(a.dataDir) --listen 127.0.0.1:0 --peer \(seed) --log-level debug"
        XCTAssertTrue(status.stderr.contains(expected), "\(status)")
    }

    /// 100 KB and 1 MB bodies (argument, stdin, one `--lines` line) get the same size error
    /// before anything is sent; lines before an oversized one are sent.
    func testOversizedBodiesGetTheSizeErrorBeforeSending() throws {
        let (a, _) = try makePair()
        try a.start()
        let limitText = "the limit is 65536; send it in parts"
        let hundredK = try ferry(["send", "--data", a.dataDir, "bob", String(repeating: "a", count: 100_000)])
        XCTAssertEqual(hundredK.exitCode, 1, "\(hundredK)")
        XCTAssertTrue(hundredK.stderr.contains("message is 100000 bytes, " + limitText), "\(hundredK)")

        let megabyte = String(repeating: "m", count: 1_048_576)
        let piped = try ferry(["send", "--data", a.dataDir, "bob", "-"], stdin: megabyte)
        XCTAssertEqual(piped.exitCode, 1, "\(piped)")
        XCTAssertEqual(piped.stderrLines.count, 1, "\(piped)")
        XCTAssertTrue(piped.stderr.contains("message is 1048576 bytes, " + limitText), "\(piped)")

        let lines = try ferry(["send", "--data", a.dataDir, "bob", "-", "--lines"], stdin: "short\n" + megabyte + "\nnever sent\n")
        XCTAssertEqual(lines.exitCode, 1, "\(lines)")
        XCTAssertEqual(lines.stderrLines.count, 1, "\(lines)")
        XCTAssertTrue(lines.stderr.contains("message is 1048576 bytes, " + limitText), "\(lines)")
        XCTAssertEqual(lines.stdoutLines.count, 1, "the short line before it was sent: \(lines)")
        XCTAssertEqual(try a.status().outboxPending, 1)
    }

    /// `send` takes a unique prefix (8+ hex characters) of a contact's address.
    func testSendAcceptsAnAddressPrefixOfAContact() throws {
        let (a, b) = try makePair()
        try b.start()
        try a.start(peers: ["\(b.address)@\(try b.endpoint)"])
        let id = try send(from: a, to: String(b.address.prefix(8)), "by prefix")
        _ = try a.waitForReceipt(id)
        XCTAssertEqual(try b.inbox().map(\.text), ["by prefix"])

        let short = try ferry(["send", "--data", a.dataDir, String(b.address.prefix(7)), "too short"])
        XCTAssertEqual(short.exitCode, 1, "\(short)")
        let unknown = try ferry(["send", "--data", a.dataDir, "00000000", "nobody"])
        XCTAssertEqual(unknown.exitCode, 1, "\(unknown)")
        XCTAssertEqual(unknown.stderrLines.count, 1, "\(unknown)")
        XCTAssertTrue(unknown.stderr.contains("00000000"), "\(unknown)")
        XCTAssertEqual(try a.status().outboxPending, 0)
    }

    /// `contacts add` is idempotent, cleans pasted cards, refuses the node's own card;
    /// `contacts remove` removes, and says so when the name is unknown.
    func testContactsAddIsIdempotentAndRemoveRemoves() throws {
        let a = try makeNode("alice")
        let b = try makeNode("bob")
        let card = b.card
        let middle = card.index(card.startIndex, offsetBy: card.count / 2)
        let pasted = "  " + card[..<middle] + "\n  \t" + card[middle...] + "\r\n"

        let added = try ferry(["contacts", "add", "bob", pasted, "--data", a.dataDir])
        XCTAssertEqual(added.exitCode, 0, "\(added)")
        XCTAssertEqual(added.stdoutLines, ["added bob \(b.address)"])
        let again = try ferry(["contacts", "add", "bob", card, "--data", a.dataDir])
        XCTAssertEqual(again.exitCode, 0, "\(again)")
        XCTAssertTrue(again.stdout.contains("already added"), "\(again)")
        let other = try ferry(["contacts", "add", "bob", try makeNode("carol").card, "--data", a.dataDir])
        XCTAssertEqual(other.exitCode, 1, "same name, another card: \(other)")
        let own = try ferry(["contacts", "add", "me", a.card, "--data", a.dataDir])
        XCTAssertEqual(own.exitCode, 1, "\(own)")
        XCTAssertTrue(own.stderr.contains("this node's own card"), "\(own)")

        let listed = try ferry(["contacts", "list", "--json", "--data", a.dataDir])
        XCTAssertEqual(listed.stdoutLines.count, 1, "\(listed)")
        XCTAssertTrue(listed.stdout.contains("\"card\":\"\(card)\""), "the card is stored without whitespace: \(listed)")

        let removed = try ferry(["contacts", "remove", "bob", "--data", a.dataDir])
        XCTAssertEqual(removed.exitCode, 0, "\(removed)")
        XCTAssertEqual(try ferry(["contacts", "list", "--json", "--data", a.dataDir]).stdout, "")
        let gone = try ferry(["contacts", "remove", "bob", "--data", a.dataDir])
        XCTAssertEqual(gone.exitCode, 1, "\(gone)")
        XCTAssertEqual(gone.stderrLines.count, 1, "\(gone)")
        XCTAssertTrue(gone.stderr.contains("bob"), "\(gone)")
    }

    /// A data directory others may enter is refused by every command that uses it, with the fix.
    func testDataDirectoryOpenToOthersIsRefused() throws {
        let open = scratch.appendingPathComponent("open").path
        XCTAssertEqual(mkdir(open, 0o755), 0)
        XCTAssertEqual(chmod(open, 0o755), 0)
        let initialised = try ferry(["init", "--data", open])
        XCTAssertEqual(initialised.exitCode, 1, "\(initialised)")
        XCTAssertTrue(initialised.stderr.contains("chmod 700 \(open)"), "\(initialised)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: open + "/identity.key"))

        let a = try makeNode("alice")
        XCTAssertEqual(chmod(a.dataDir, 0o750), 0)
        let commands: [[String]] = [
            ["run", "--listen", "127.0.0.1:0"], ["id"], ["contacts", "add", "bob", try makeNode("bob").card],
            ["contacts", "list"], ["status"], ["send", "bob", "hi"],
        ]
        for arguments in commands {
            let result = try ferry(arguments + ["--data", a.dataDir], timeout: 10)
            XCTAssertEqual(result.exitCode, 1, "\(arguments): \(result)")
            XCTAssertEqual(result.stderrLines.count, 1, "\(arguments): \(result)")
            XCTAssertTrue(result.stderr.contains("chmod 700 \(a.dataDir)"), "\(arguments): \(result)")
        }
    }
}
