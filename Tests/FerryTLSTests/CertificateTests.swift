import XCTest
import FerryWire
@testable import FerryTLS

/// Only Ed25519 certificates identify Ferry nodes; any other certificate ends the handshake.
final class CertificateTests: XCTestCase {
    private func p256Context() throws -> TLSContext {
        try TLSContext(key: PrivateKey.generateP256ForTesting())
    }

    private func ed25519Context(_ seed: UInt8) throws -> TLSContext {
        try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(seed))
    }

    func testClientRefusesServerWithP256Certificate() throws {
        let pair = try TLSPair(clientContext: ed25519Context(1), serverContext: p256Context())
        _ = try pair.server.receive(ciphertext: pair.client.takeOutput())
        XCTAssertThrowsError(try pair.client.receive(ciphertext: pair.server.takeOutput())) { error in
            XCTAssertTrue(String(describing: error).contains("not Ed25519"), String(describing: error))
        }
        XCTAssertFalse(pair.client.isHandshakeComplete)
        XCTAssertNil(pair.client.peerSigningKey)
        // The client's alert tells the server, which fails too.
        let alert = pair.client.takeOutput()
        XCTAssertFalse(alert.isEmpty)
        XCTAssertThrowsError(try pair.server.receive(ciphertext: alert))
        XCTAssertFalse(pair.server.isHandshakeComplete)
    }

    func testServerRefusesClientWithP256Certificate() throws {
        let pair = try TLSPair(clientContext: p256Context(), serverContext: ed25519Context(2))
        _ = try pair.server.receive(ciphertext: pair.client.takeOutput())
        _ = try pair.client.receive(ciphertext: pair.server.takeOutput())
        XCTAssertThrowsError(try pair.server.receive(ciphertext: pair.client.takeOutput())) { error in
            XCTAssertTrue(String(describing: error).contains("not Ed25519"), String(describing: error))
        }
        XCTAssertFalse(pair.server.isHandshakeComplete)
        XCTAssertNil(pair.server.peerSigningKey)
        // In TLS 1.3 the client finishes before the server judges its certificate; the server's
        // alert then ends the client's side too.
        XCTAssertThrowsError(try pair.client.receive(ciphertext: pair.server.takeOutput()))
    }

    func testServerRequiresAClientCertificate() throws {
        let pair = try TLSPair()
        pair.client.removeCertificateForTesting()
        _ = try pair.server.receive(ciphertext: pair.client.takeOutput())
        _ = try pair.client.receive(ciphertext: pair.server.takeOutput())
        XCTAssertThrowsError(try pair.server.receive(ciphertext: pair.client.takeOutput()))
        XCTAssertFalse(pair.server.isHandshakeComplete)
        XCTAssertNil(pair.server.peerSigningKey)
    }

    func testP256ContextHasNoEd25519PublicKey() throws {
        XCTAssertEqual(try p256Context().publicKey, [])
    }
}
