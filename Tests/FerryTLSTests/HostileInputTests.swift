import XCTest
import FerryWire
@testable import FerryTLS

/// Nothing a peer sends may crash the node: bad bytes make the engine throw, and the caller closes
/// the link.
final class HostileInputTests: XCTestCase {
    private func server() throws -> OpenSSLEngine {
        try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(2)).makeEngine(role: .server)
    }

    func testGarbageIntoServerThrowsAndStaysFailed() throws {
        let engine = try server()
        let garbage = Array("GET / HTTP/1.1\r\nHost: ferry\r\n\r\n".utf8)
        XCTAssertThrowsError(try engine.receive(ciphertext: garbage)) { error in
            XCTAssertTrue(error is TLSError)
            XCTAssertFalse((error as? TLSError)?.message.isEmpty ?? true)
        }
        // Sticky: the engine refuses everything afterwards and does not crash.
        XCTAssertThrowsError(try engine.receive(ciphertext: []))
        XCTAssertThrowsError(try engine.send(plaintext: [1, 2, 3]))
        XCTAssertFalse(engine.isHandshakeComplete)
        XCTAssertNil(engine.peerSigningKey)
        _ = engine.takeOutput()
        engine.shutdown()
    }

    func testErrorTextCarriesOpenSSLReason() throws {
        let engine = try server()
        do {
            _ = try engine.receive(ciphertext: [UInt8](repeating: 0xFF, count: 64))
            XCTFail("garbage accepted")
        } catch let error as TLSError {
            // OpenSSL's queue text looks like "error:0A00010B:SSL routines::wrong version number".
            XCTAssertTrue(error.message.contains("error:"), error.message)
            XCTAssertTrue(error.description.contains(error.message))
        }
    }

    func testTruncatedHandshakeWaitsWithoutCompleting() throws {
        let context = try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(1))
        let client = try context.makeEngine(role: .client)
        let engine = try server()
        let hello = client.takeOutput()
        XCTAssertEqual(try engine.receive(ciphertext: Array(hello[..<(hello.count / 2)])), [])
        XCTAssertFalse(engine.isHandshakeComplete)
        XCTAssertEqual(engine.takeOutput(), [], "no reply to half a ClientHello")
        // The rest arrives later and the handshake carries on.
        XCTAssertEqual(try engine.receive(ciphertext: Array(hello[(hello.count / 2)...])), [])
        XCTAssertFalse(engine.takeOutput().isEmpty)
    }

    func testTruncatedServerFlightLeavesClientWaiting() throws {
        let pair = try TLSPair()
        _ = try pair.server.receive(ciphertext: pair.client.takeOutput())
        let flight = pair.server.takeOutput()
        XCTAssertEqual(try pair.client.receive(ciphertext: Array(flight.dropLast(10))), [])
        XCTAssertFalse(pair.client.isHandshakeComplete)
        XCTAssertNil(pair.client.peerSigningKey)
    }

    func testGarbageAfterHandshakeThrows() throws {
        let pair = try TLSPair()
        try pair.handshake()
        // A well-formed application-data record header with a body that fails authentication.
        let record: [UInt8] = [23, 3, 3, 0, 32] + [UInt8](repeating: 0x42, count: 32)
        XCTAssertThrowsError(try pair.server.receive(ciphertext: record))
        XCTAssertThrowsError(try pair.server.send(plaintext: [1]))
    }

    func testTamperedRecordIsRejected() throws {
        let pair = try TLSPair()
        try pair.handshake()
        try pair.client.send(plaintext: Array("pay 10 to alice".utf8))
        var wire = pair.client.takeOutput()
        wire[wire.count - 20] ^= 0x01
        XCTAssertThrowsError(try pair.server.receive(ciphertext: wire))
    }

    func testBitFlipsInClientHelloNeverCrash() throws {
        let clientContext = try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(1))
        let serverContext = try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(2))
        let hello = try clientContext.makeEngine(role: .client).takeOutput()
        for position in 0..<hello.count {
            var flipped = hello
            flipped[position] ^= 0x80
            let engine = try serverContext.makeEngine(role: .server)
            // Either it throws, or it waits, or it carries on to a reply; it never crashes.
            _ = try? engine.receive(ciphertext: flipped)
            XCTAssertFalse(engine.isHandshakeComplete)
        }
    }

    func testBitFlipsInServerFlightNeverLetTheClientThrough() throws {
        let clientContext = try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(1))
        let serverContext = try TLSContext(ed25519PrivateKeySeed: TestKeys.seed(2))
        var position = 0
        var flightBytes = Int.max
        while position < flightBytes {
            let pair = try TLSPair(clientContext: clientContext, serverContext: serverContext)
            _ = try pair.server.receive(ciphertext: pair.client.takeOutput())
            var flight = pair.server.takeOutput()
            flightBytes = flight.count
            flight[position] ^= 0x01
            // Changing any bit of the server's flight breaks the transcript, a signature or a MAC:
            // the client must not complete, whatever the bit.
            _ = try? pair.client.receive(ciphertext: flight)
            XCTAssertFalse(pair.client.isHandshakeComplete, "bit flip at \(position) went unnoticed")
            position += 3
        }
    }
}
