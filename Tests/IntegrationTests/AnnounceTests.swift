import FerryControl
import Foundation
import XCTest

/// Identity records spread by announce: A can send to an address it has never met once that
/// address's announce has reached it, and says clearly when it has not yet.
final class AnnounceTests: IntegrationTestCase {
    func testAnAddressBecomesSendableOnceItsAnnounceArrives() throws {
        let a = try makeNode("alice")
        let r = try makeNode("relay")
        let b = try makeNode("bob")  // not alice's contact
        for node in [a, r, b] { node.extraRunArguments = ["--no-discovery"] }
        try r.start()
        try a.start(peers: ["\(r.address)@\(try r.endpoint)"])
        try waitUntil("alice is linked to the relay") { try a.status().links == 1 }

        let early = try ferry(["send", "--data", a.dataDir, b.address, "too early"])
        XCTAssertEqual(early.exitCode, 1, "\(early)")
        XCTAssertEqual(early.stderrLines.count, 1, "\(early)")
        XCTAssertTrue(early.stderr.contains("not known yet"), "\(early)")

        try b.start(peers: ["\(r.address)@\(try r.endpoint)"])
        try waitUntil("bob's announce reached alice through the relay") {
            let listed = try self.ferry(["directory", "--json", "--data", a.dataDir])
            return listed.exitCode == 0 && listed.stdout.contains(b.address)
        }
        let directory = try ferry(["directory", "--json", "--data", a.dataDir])
        let line = try XCTUnwrap(directory.stdoutLines.first { $0.contains(b.address) })
        XCTAssertTrue(line.contains("\"how\":\"announce\""), line)

        let sent = try ferry(["send", "--data", a.dataDir, b.address, "hi", "--wait", "20"])
        XCTAssertEqual(sent.exitCode, 0, "\(sent)")
        XCTAssertEqual(sent.stdoutLines.last, "delivered via mesh, 2 hops")
        XCTAssertEqual(try b.inbox().map(\.text), ["hi"])
        XCTAssertEqual(try a.statusJSON().discovery?.enabled, false)
    }
}
