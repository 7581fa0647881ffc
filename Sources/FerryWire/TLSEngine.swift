/// A TLS 1.3 session that works on bytes in memory and never touches a socket.
///
/// FerryCore drives link sessions through this protocol; FerryTLS implements it with OpenSSL on
/// memory BIOs, and tests can substitute a plaintext engine. The driver moves ciphertext between the
/// engine and the network: `receive(ciphertext:)` with what arrived, `takeOutput()` for what to send.
/// Implementations are confined to one thread (the loop thread) and are not `Sendable`.
public protocol TLSEngine: AnyObject {
    /// Feeds bytes read from the network. Returns application data decrypted from them (possibly
    /// empty). Throws when the peer's bytes are not valid TLS or the handshake fails: close the link.
    func receive(ciphertext: [UInt8]) throws -> [UInt8]

    /// Encrypts application data. Before the handshake completes the engine buffers it.
    func send(plaintext: [UInt8]) throws

    /// Ciphertext the engine wants written to the network now (handshake or records); empty if none.
    func takeOutput() -> [UInt8]

    /// True once the handshake is complete and `peerSigningKey` is known.
    var isHandshakeComplete: Bool { get }

    /// The raw 32-byte Ed25519 public key from the peer's certificate, once the handshake completes.
    /// TLS 1.3's CertificateVerify proves the peer holds the matching private key.
    var peerSigningKey: [UInt8]? { get }

    /// Queues a close_notify alert; take it with `takeOutput()`.
    func shutdown()
}

/// Which end of a connection an engine plays.
public enum TLSRole: Sendable {
    case client
    case server
}

/// Lets the core tell a pin mismatch found inside the TLS handshake (the peer's key is not the one
/// the dialler pinned) from other TLS failures, without importing the TLS implementation: an
/// engine's error type adopts it.
public protocol PinMismatchReporting {
    var isPinMismatch: Bool { get }
}
