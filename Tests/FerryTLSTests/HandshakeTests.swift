import XCTest
import FerryWire
@testable import FerryTLS

final class HandshakeTests: XCTestCase {
    func testContextExposesTheEd25519PublicKey() throws {
        let context = try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(1))
        XCTAssertEqual(context.publicKey.count, 32)
        // Same seed, same key; different seed, different key.
        XCTAssertEqual(try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(1)).publicKey, context.publicKey)
        XCTAssertNotEqual(try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(2)).publicKey, context.publicKey)
    }

    func testRFC8032PublicKeyFromSeed() throws {
        // RFC 8032 section 7.1, TEST 1.
        let seed = try XCTUnwrap(bytes(hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        let expected = try XCTUnwrap(bytes(hex: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
        XCTAssertEqual(try TLSContext(ed25519PrivateKeySeed: seed).publicKey, expected)
    }

    func testSeedOfWrongLengthIsRefused() {
        XCTAssertThrowsError(try TLSContext(ed25519PrivateKeySeed: [UInt8](repeating: 1, count: 31)))
        XCTAssertThrowsError(try TLSContext(ed25519PrivateKeySeed: []))
    }

    func testClientHelloIsReadyOnCreation() throws {
        let context = try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(1))
        let client = try context.makeEngine(role: .client)
        let hello = client.takeOutput()
        // A TLS handshake record (content type 22) carrying a ClientHello (handshake type 1).
        XCTAssertGreaterThan(hello.count, 5)
        XCTAssertEqual(hello.first, 22)
        XCTAssertEqual(hello[5], 1)
        XCTAssertEqual(client.takeOutput(), [], "output is handed over once")
        XCTAssertFalse(client.isHandshakeComplete)
        XCTAssertNil(client.peerSigningKey)

        let server = try context.makeEngine(role: .server)
        XCTAssertEqual(server.takeOutput(), [], "a server waits for the ClientHello")
    }

    func testMutualHandshakeExposesEachPeersKey() throws {
        let pair = try TLSPair()
        try pair.handshake()
        XCTAssertEqual(pair.client.peerSigningKey, pair.serverContext.publicKey)
        XCTAssertEqual(pair.server.peerSigningKey, pair.clientContext.publicKey)
        XCTAssertNotEqual(pair.clientContext.publicKey, pair.serverContext.publicKey)
    }

    func testBothEndsMayShareOneContext() throws {
        let context = try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(7))
        let pair = try TLSPair(clientContext: context, serverContext: context)
        try pair.handshake()
        XCTAssertEqual(pair.client.peerSigningKey, context.publicKey)
        XCTAssertEqual(pair.server.peerSigningKey, context.publicKey)
    }

    func testHandshakeSurvivesOneByteDelivery() throws {
        let pair = try TLSPair()
        pair.ciphertextChunkBytes = 1
        try pair.handshake()
        XCTAssertEqual(pair.client.peerSigningKey, pair.serverContext.publicKey)
    }

    func testClientDiallingTheWrongNodeLearnsWhoAnswered() throws {
        // The client meant to reach `expected` but `impostor` answered. Without a pin TLS itself
        // succeeds (the impostor proves its own key); PinTests covers the pinned dialler.
        let expected = try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(2))
        let impostor = try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(3))
        let pair = try TLSPair(
            clientContext: TLSContext(ed25519PrivateKeySeed: TestKeys.seed(1)),
            serverContext: impostor
        )
        try pair.handshake()
        XCTAssertEqual(pair.client.peerSigningKey, impostor.publicKey)
        XCTAssertNotEqual(pair.client.peerSigningKey, expected.publicKey)
    }

    func testManyEnginesComeAndGo() throws {
        // Exercises create/handshake/free repeatedly; a double free or leak of SSL state crashes
        // or grows here (run under a sanitizer for the strict check).
        let client = try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(1))
        let server = try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(2))
        for _ in 0..<50 {
            let pair = try TLSPair(clientContext: client, serverContext: server)
            try pair.handshake()
        }
    }

    private func bytes(hex: String) -> [UInt8]? {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }
}
