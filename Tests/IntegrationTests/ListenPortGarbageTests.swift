import FerryControl
import Foundation
import XCTest

/// Bytes from nowhere on the listen port cost a link, never the node.
final class ListenPortGarbageTests: IntegrationTestCase {
    /// (e) Random bytes, a partial TLS record and a bare fake frame: B keeps running and A→B
    /// still delivers, even with one of those connections still hanging open.
    func testGarbageOnListenPortDoesNotHurtTheNode() throws {
        let (a, b) = try makePair()
        try b.start()
        let port = try XCTUnwrap(b.port)

        let garbage = try RawSocket(connectingTo: port)
        garbage.write((0..<4096).map { _ in UInt8.random(in: 0...255) })
        garbage.close()

        // A TLS handshake record header announcing 512 bytes, followed by only a few of them.
        let partialTLS = try RawSocket(connectingTo: port)
        partialTLS.write([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03] + [UInt8](repeating: 0xab, count: 16))
        defer { partialTLS.close() }

        // What a length-prefixed frame would look like without TLS.
        let fakeFrame = try RawSocket(connectingTo: port)
        fakeFrame.write([0x00, 0x00, 0x00, 0x05, 0x01])
        fakeFrame.close()

        XCTAssertTrue(b.isRunning)
        XCTAssertEqual(try b.status().address, b.address)

        try a.start(peers: ["\(b.address)@\(try b.endpoint)"])
        let sent = try ferry(["send", "--data", a.dataDir, "bob", "after the garbage", "--wait", "20"])
        XCTAssertEqual(sent.exitCode, 0, "\(sent)")
        XCTAssertEqual(sent.stdoutLines.last, "delivered direct")
        let id = try XCTUnwrap(sent.stdoutLines.first)
        XCTAssertEqual(try b.inbox().map(\.id), [id])
        XCTAssertTrue(b.isRunning)
        XCTAssertTrue(try b.peerLinks().contains { $0.established && $0.address == a.address })
    }
}
