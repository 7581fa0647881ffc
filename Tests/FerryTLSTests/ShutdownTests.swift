import XCTest
import FerryWire
@testable import FerryTLS

final class ShutdownTests: XCTestCase {
    func testCloseNotifyReachesThePeerAfterTheLastData() throws {
        let pair = try TLSPair()
        try pair.handshake()
        try pair.client.send(plaintext: Array("last words".utf8))
        pair.client.shutdown()
        XCTAssertThrowsError(try pair.client.send(plaintext: [1]), "no data after shutdown")
        XCTAssertFalse(pair.server.peerClosed)
        XCTAssertEqual(try pair.server.receive(ciphertext: pair.client.takeOutput()), Array("last words".utf8))
        XCTAssertTrue(pair.server.peerClosed)
        XCTAssertFalse(pair.client.peerClosed)

        // The server answers with its own close_notify.
        pair.server.shutdown()
        XCTAssertEqual(try pair.client.receive(ciphertext: pair.server.takeOutput()), [])
        XCTAssertTrue(pair.client.peerClosed)
    }

    func testShutdownTwiceQueuesOneAlert() throws {
        let pair = try TLSPair()
        try pair.handshake()
        pair.client.shutdown()
        let first = pair.client.takeOutput()
        pair.client.shutdown()
        XCTAssertFalse(first.isEmpty)
        XCTAssertEqual(pair.client.takeOutput(), [])
    }

    func testShutdownDuringHandshakeClosesAfterEarlyData() throws {
        let pair = try TLSPair()
        try pair.client.send(plaintext: Array("early".utf8))
        pair.client.shutdown()
        XCTAssertThrowsError(try pair.client.send(plaintext: [1]))
        try pair.handshake()
        XCTAssertEqual(pair.receivedByServer, Array("early".utf8))
        XCTAssertTrue(pair.server.peerClosed)
    }

    func testShutdownOfFailedEngineDoesNothing() throws {
        let engine = try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(2)).makeEngine(role: .server)
        XCTAssertThrowsError(try engine.receive(ciphertext: [UInt8](repeating: 0, count: 16)))
        _ = engine.takeOutput()
        engine.shutdown()
        XCTAssertEqual(engine.takeOutput(), [])
    }
}
