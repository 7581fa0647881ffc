import XCTest
import FerryWire
@testable import FerryTLS

/// A dialler that pins the peer's address refuses an impostor inside certificate verification, so
/// the handshake ends before the dialler shows its own certificate.
final class PinTests: XCTestCase {
    private func context(_ seed: UInt8) throws -> TLSContext {
        try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(seed))
    }

    private func address(of context: TLSContext) throws -> [UInt8] {
        try XCTUnwrap(PeerCertificate.address(ofEd25519Key: context.publicKey))
    }

    func testAddressMatchesTheProtocolVector() throws {
        // docs/PROTOCOL.md §Values: the address of the RFC 8032 TEST 1 key.
        let key = try XCTUnwrap(Hex.decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
        let address = try XCTUnwrap(PeerCertificate.address(ofEd25519Key: key))
        XCTAssertEqual(Hex.encode(address), "21fe31dfa154a261626bf854046fd227")
    }

    func testPinnedClientReachesTheRightServer() throws {
        let server = try context(2)
        let pair = try TLSPair(clientContext: context(1), serverContext: server, clientPin: address(of: server))
        try pair.handshake()
        XCTAssertEqual(pair.client.peerSigningKey, server.publicKey)
        XCTAssertEqual(pair.server.peerSigningKey, pair.clientContext.publicKey)
    }

    func testPinnedClientRefusesAnImpostorBeforeShowingItsCertificate() throws {
        let expected = try context(2)
        let impostor = try context(3)
        let pin = try address(of: expected)
        let answered = try Hex.encode(address(of: impostor))
        let pair = try TLSPair(clientContext: context(1), serverContext: impostor, clientPin: pin)
        _ = try pair.server.receive(ciphertext: pair.client.takeOutput())
        XCTAssertThrowsError(try pair.client.receive(ciphertext: pair.server.takeOutput())) { error in
            let text = String(describing: error)
            XCTAssertEqual((error as? TLSError)?.kind, .pinMismatch, text)
            XCTAssertTrue(text.contains("does not match the pinned address"), text)
            // Both addresses, in the words the link session uses, so logs read alike.
            XCTAssertTrue(text.contains("peer is \(answered), expected \(Hex.encode(pin))"), text)
        }
        XCTAssertFalse(pair.client.isHandshakeComplete)
        XCTAssertNil(pair.client.peerSigningKey)
        // All the client has left to say is one record: the alert. A client that went on would send
        // its Certificate, CertificateVerify and Finished.
        let rest = pair.client.takeOutput()
        XCTAssertEqual(try recordCount(rest), 1)
        XCTAssertThrowsError(try pair.server.receive(ciphertext: rest))
        XCTAssertEqual(pair.client.takeOutput(), [])
        XCTAssertFalse(pair.server.isHandshakeComplete)
        XCTAssertNil(pair.server.peerSigningKey, "the impostor must not learn who dialled")
        // Sticky: the client keeps saying why.
        XCTAssertThrowsError(try pair.client.receive(ciphertext: [])) { error in
            XCTAssertEqual((error as? TLSError)?.kind, .pinMismatch)
        }
    }

    func testServerWithoutPinAcceptsAnyClient() throws {
        let server = try context(2)
        for clientSeed: UInt8 in [1, 4] {
            let pair = try TLSPair(clientContext: context(clientSeed), serverContext: server, clientPin: address(of: server))
            try pair.handshake()
            XCTAssertEqual(pair.server.peerSigningKey, pair.clientContext.publicKey)
        }
    }

    func testPinnedServerRefusesAnotherClient() throws {
        let pair = try TLSPair(clientContext: context(1), serverContext: context(2), serverPin: address(of: context(4)))
        _ = try pair.server.receive(ciphertext: pair.client.takeOutput())
        _ = try pair.client.receive(ciphertext: pair.server.takeOutput())
        XCTAssertThrowsError(try pair.server.receive(ciphertext: pair.client.takeOutput())) { error in
            XCTAssertEqual((error as? TLSError)?.kind, .pinMismatch, String(describing: error))
        }
        XCTAssertNil(pair.server.peerSigningKey)
        // In TLS 1.3 the client finishes first; the server's alert then ends its side.
        XCTAssertThrowsError(try pair.client.receive(ciphertext: pair.server.takeOutput()))
    }

    func testPinnedClientNamesANonEd25519ServerAsSuch() throws {
        // The key-type check comes first: a P-256 server is refused as not Ed25519, not as unpinned.
        let pair = try TLSPair(
            clientContext: context(1),
            serverContext: TLSContext(key: PrivateKey.generateP256ForTesting()),
            clientPin: address(of: context(2))
        )
        _ = try pair.server.receive(ciphertext: pair.client.takeOutput())
        XCTAssertThrowsError(try pair.client.receive(ciphertext: pair.server.takeOutput())) { error in
            XCTAssertEqual((error as? TLSError)?.kind, .other)
            XCTAssertTrue(String(describing: error).contains("not Ed25519"), String(describing: error))
        }
    }

    func testPinOfWrongLengthIsRefused() throws {
        let context = try context(1)
        XCTAssertThrowsError(try context.makeEngine(role: .client, expectedPeerAddress: [UInt8](repeating: 0, count: 15)))
        XCTAssertThrowsError(try context.makeEngine(role: .client, expectedPeerAddress: context.publicKey))
        XCTAssertNoThrow(try context.makeEngine(role: .client, expectedPeerAddress: nil))
    }

    /// How many TLS records `bytes` holds, which must end on a record boundary.
    private func recordCount(_ bytes: [UInt8]) throws -> Int {
        let headerBytes = 5
        var count = 0
        var offset = 0
        while offset < bytes.count {
            XCTAssertLessThanOrEqual(offset + headerBytes, bytes.count, "partial record header")
            let length = Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4])
            offset += headerBytes + length
            count += 1
        }
        XCTAssertEqual(offset, bytes.count, "partial record")
        return count
    }
}
