import XCTest
import FerryWire
@testable import FerryTLS

final class ApplicationDataTests: XCTestCase {
    func testDataRoundTripsBothWays() throws {
        let pair = try TLSPair()
        try pair.handshake()
        try pair.client.send(plaintext: Array("hello server".utf8))
        try pair.server.send(plaintext: Array("hello client".utf8))
        try pair.shuttle()
        XCTAssertEqual(pair.receivedByServer, Array("hello server".utf8))
        XCTAssertEqual(pair.receivedByClient, Array("hello client".utf8))
    }

    func testDataSentBeforeTheHandshakeArrivesAfterIt() throws {
        let pair = try TLSPair()
        try pair.client.send(plaintext: Array("early from client".utf8))
        try pair.server.send(plaintext: Array("early from server".utf8))
        XCTAssertFalse(pair.client.isHandshakeComplete)
        try pair.handshake()
        XCTAssertEqual(pair.receivedByServer, Array("early from client".utf8))
        XCTAssertEqual(pair.receivedByClient, Array("early from server".utf8))
    }

    func testOneMebibyteEachWayInSplitRecords() throws {
        let pair = try TLSPair()
        // 1000-byte pieces split TLS records across `receive` calls, as a socket would.
        pair.ciphertextChunkBytes = 1000
        let toServer = TestKeys.payload(count: 1 << 20, salt: 0x5A)
        let toClient = TestKeys.payload(count: 1 << 20, salt: 0xA5)
        // Half before the handshake completes, half after.
        try pair.client.send(plaintext: Array(toServer[..<(1 << 19)]))
        try pair.handshake()
        try pair.client.send(plaintext: Array(toServer[(1 << 19)...]))
        try pair.server.send(plaintext: toClient)
        try pair.shuttle()
        XCTAssertEqual(pair.receivedByServer.count, toServer.count)
        XCTAssertTrue(pair.receivedByServer == toServer)
        XCTAssertTrue(pair.receivedByClient == toClient)
    }

    func testAnIdleLinkDoesNotKeepTheBuffersOfABurst() throws {
        let pair = try TLSPair()
        try pair.handshake()
        try pair.client.send(plaintext: TestKeys.payload(count: 256 * 1024, salt: 1))
        try pair.server.send(plaintext: TestKeys.payload(count: 256 * 1024, salt: 2))
        try pair.shuttle()
        XCTAssertEqual(pair.receivedByServer.count, 256 * 1024)
        for engine in [pair.client, pair.server] {
            XCTAssertLessThanOrEqual(engine.memoryBIOCapacityBytes, 2 * TLSLimits.idleBIOCapacityBytesMax, "drained BIOs are renewed")
        }
        // And the renewed BIOs carry on.
        try pair.client.send(plaintext: Array("after".utf8))
        try pair.shuttle()
        XCTAssertEqual(Array(pair.receivedByServer.suffix(5)), Array("after".utf8))
    }

    func testCiphertextIsNotPlaintext() throws {
        let pair = try TLSPair()
        try pair.handshake()
        let secret = Array("a secret the network must not see".utf8)
        try pair.client.send(plaintext: secret)
        let wire = pair.client.takeOutput()
        XCTAssertFalse(wire.isEmpty)
        XCTAssertNil(wire.firstRange(of: secret))
        XCTAssertEqual(try pair.server.receive(ciphertext: wire), secret)
    }

    func testEmptySendWritesNothing() throws {
        let pair = try TLSPair()
        try pair.handshake()
        try pair.client.send(plaintext: [])
        XCTAssertEqual(pair.client.takeOutput(), [])
    }

    func testPendingPlaintextIsBounded() throws {
        let context = try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(1))
        let client = try context.makeEngine(role: .client)
        let limit = 8 * 1024 * 1024
        try client.send(plaintext: [UInt8](repeating: 0, count: limit))
        XCTAssertThrowsError(try client.send(plaintext: [0]))
    }
}
