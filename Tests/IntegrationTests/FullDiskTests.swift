import FerryControl
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A full disk refuses new messages in one line and loses nothing already accepted; once space is
/// free again the node works as before. Alice's data directory is a 4 MiB tmpfs the test mounts
/// (root only; skipped otherwise) and fills.
final class FullDiskTests: IntegrationTestCase {
    static let tmpfsBytes = 4 << 20

    func testFullDiskRefusesSendInOneLineAndRecovers() throws {
        let dataDir = scratch.appendingPathComponent("alice").path
        let mount: TmpfsMount
        do { mount = try TmpfsMount(path: dataDir, sizeBytes: Self.tmpfsBytes, scratch: scratch) } catch let unavailable as TmpfsMount.Unavailable {
            throw XCTSkip("full-disk test needs a tmpfs: \(unavailable)")
        }
        let (a, b) = try makePair()
        // Teardown blocks run before tearDown: stop alice (she holds files there), then unmount.
        addTeardownBlock { [scratch] in
            let wasRunning = a.isRunning
            let ended = a.stop()
            if wasRunning && ended != .exited(0) { XCTFail("alice did not exit cleanly: \(ended.map { "\($0)" } ?? "killed")") }
            mount.unmount(scratch: scratch!)
        }
        XCTAssertEqual(a.dataDir, dataDir)
        try a.start()
        let before = try send(from: a, to: "bob", "accepted before the disk filled")

        try mount.fill(fileName: "filler")
        print("tmpfs free after filling: \(mount.freeBytes().map(String.init) ?? "?") bytes")
        let refused = try ferry(["send", "--data", a.dataDir, "bob", text("sent on a full disk", bytes: 16 * 1024)])
        XCTAssertEqual(refused.exitCode, 1, "\(refused)")
        XCTAssertEqual(refused.stderrLines.count, 1, "\(refused)")
        XCTAssertTrue(refused.stderr.contains("disk is full"), "\(refused)")
        XCTAssertEqual(refused.stdout, "", "no id for a message that was not stored")
        let status = try ferry(["status", "--data", a.dataDir])
        XCTAssertEqual(status.exitCode, 0, "status works on a full disk: \(status)")
        let inbox = try ferry(["inbox", "--data", a.dataDir])
        XCTAssertEqual(inbox.exitCode, 0, "inbox works on a full disk: \(inbox)")
        XCTAssertEqual(try a.status().outboxPending, 1, "the message accepted before is still held")

        XCTAssertEqual(unlink(dataDir + "/filler"), 0)
        let after = try ferry(["send", "--data", a.dataDir, "bob", "sent once space was free"])
        XCTAssertEqual(after.exitCode, 0, "send works again after space is freed: \(after)")
        let afterID = try XCTUnwrap(after.stdoutLines.first)

        // Bob dials alice when he starts.
        try b.start(peers: ["\(a.address)@\(try a.endpoint)"])
        _ = try a.waitForReceipt(before)
        _ = try a.waitForReceipt(afterID)
        let received = try b.inbox()
        XCTAssertEqual(Set(received.map(\.id)), [before, afterID], "both accepted messages arrive, and only they")
        XCTAssertEqual(received.count, 2)
        try a.checkAlive("at the end")
    }
}
