import XCTest
import FerryWire
@testable import FerryTLS

/// Two engines joined by an in-memory "network": bytes one side outputs are fed to the other.
/// The model is quinn-proto's `Pair`: no sockets, no clock, fully deterministic byte flow.
final class TLSPair {
    /// Bound on shuttle rounds: a TLS 1.3 handshake needs two; anything more is a hang.
    static let roundsMax = 16

    let clientContext: TLSContext
    let serverContext: TLSContext
    let client: OpenSSLEngine
    let server: OpenSSLEngine
    /// Application data each side has received so far.
    var receivedByClient: [UInt8] = []
    var receivedByServer: [UInt8] = []
    /// Largest ciphertext piece handed to `receive` at once, to split records across reads.
    var ciphertextChunkBytes = Int.max

    /// `clientPin` and `serverPin` are the 16-byte addresses each side insists the other has.
    init(
        clientContext: TLSContext, serverContext: TLSContext,
        clientPin: [UInt8]? = nil, serverPin: [UInt8]? = nil
    ) throws {
        self.clientContext = clientContext
        self.serverContext = serverContext
        client = try clientContext.makeEngine(role: .client, expectedPeerAddress: clientPin)
        server = try serverContext.makeEngine(role: .server, expectedPeerAddress: serverPin)
    }

    convenience init(clientSeed: UInt8 = 1, serverSeed: UInt8 = 2) throws {
        try self.init(
            clientContext: TLSContext(ed25519PrivateKeySeed: TestKeys.seed(clientSeed)),
            serverContext: TLSContext(ed25519PrivateKeySeed: TestKeys.seed(serverSeed))
        )
    }

    /// Moves bytes both ways until neither engine has output. Returns the number of rounds used.
    @discardableResult
    func shuttle(file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        for round in 1...Self.roundsMax {
            let fromClient = client.takeOutput()
            receivedByServer += try deliver(fromClient, to: server)
            let fromServer = server.takeOutput()
            receivedByClient += try deliver(fromServer, to: client)
            if fromClient.isEmpty && fromServer.isEmpty { return round }
        }
        XCTFail("engines still talking after \(Self.roundsMax) rounds", file: file, line: line)
        return Self.roundsMax
    }

    /// Runs the handshake to completion on both sides.
    func handshake(file: StaticString = #filePath, line: UInt = #line) throws {
        try shuttle(file: file, line: line)
        XCTAssertTrue(client.isHandshakeComplete, "client handshake", file: file, line: line)
        XCTAssertTrue(server.isHandshakeComplete, "server handshake", file: file, line: line)
    }

    private func deliver(_ bytes: [UInt8], to engine: OpenSSLEngine) throws -> [UInt8] {
        var plaintext: [UInt8] = []
        var offset = 0
        while offset < bytes.count {
            let end = offset + min(bytes.count - offset, ciphertextChunkBytes)
            plaintext += try engine.receive(ciphertext: Array(bytes[offset..<end]))
            offset = end
        }
        return plaintext
    }
}

/// Fixed keys and payloads, so every run sees the same bytes.
enum TestKeys {
    static func seed(_ byte: UInt8) -> [UInt8] {
        [UInt8](repeating: byte, count: 32)
    }

    /// A deterministic, non-repeating-looking payload of `count` bytes.
    static func payload(count: Int, salt: UInt8 = 0) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) ^ salt }
    }
}
