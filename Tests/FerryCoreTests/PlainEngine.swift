import FerryWire

/// A stand-in for TLS in core tests: the "handshake" is each side sending its 32-byte public key,
/// after which bytes pass through unchanged. It proves nothing, which is fine here: the core's
/// logic, not the cryptography of TLS, is under test (FerryTLSTests covers the real engine).
final class PlainEngine: TLSEngine {
    private let ownKey: [UInt8]
    private var output: [UInt8]
    private var inbound: [UInt8] = []
    private var pendingPlaintext: [UInt8] = []
    private(set) var peerSigningKey: [UInt8]?
    private(set) var didShutdown = false

    init(publicKey: [UInt8]) {
        ownKey = publicKey
        output = publicKey
    }

    var isHandshakeComplete: Bool { peerSigningKey != nil }

    func receive(ciphertext: [UInt8]) throws -> [UInt8] {
        if peerSigningKey != nil { return ciphertext }
        inbound += ciphertext
        guard inbound.count >= 32 else { return [] }
        peerSigningKey = Array(inbound.prefix(32))
        output += pendingPlaintext
        pendingPlaintext = []
        return Array(inbound.dropFirst(32))
    }

    func send(plaintext: [UInt8]) throws {
        if isHandshakeComplete { output += plaintext } else { pendingPlaintext += plaintext }
    }

    func takeOutput() -> [UInt8] {
        defer { output = [] }
        return output
    }

    func shutdown() { didShutdown = true }
}
