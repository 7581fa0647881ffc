import COpenSSL
import FerryWire

/// Shared per-node TLS configuration: one `SSL_CTX` holding a self-signed X.509 certificate made at
/// start-up from the node's Ed25519 identity key. Every link's engine comes from `makeEngine(role:)`.
///
/// The context speaks TLS 1.3 only, with mutual authentication: a server requires a client
/// certificate, and both sides accept only Ed25519 certificates. Session tickets and resumption
/// are off; links are long-lived and a full handshake is cheap. Encrypted records are padded to
/// multiples of `TLSLimits.recordPaddingBlockBytes`, so the wire shows sizes only to the block.
///
/// Not `Sendable`: like every handle of the node, it is confined to the loop thread.
public final class TLSContext {
    /// The owned `SSL_CTX *`. Each `SSL` made from it holds its own reference as well.
    let pointer: OpaquePointer
    private let key: PrivateKey
    private let certificate: SelfSignedCertificate

    /// The raw 32-byte Ed25519 public key in this node's certificate: what peers will see as our
    /// `peerSigningKey`.
    public let publicKey: [UInt8]

    /// Makes the context from the node's Ed25519 identity key.
    ///
    /// - Parameter ed25519PrivateKeySeed: the raw 32-byte Ed25519 private key (RFC 8032 seed).
    /// - Throws: `TLSError` if the seed has the wrong length or OpenSSL refuses any step.
    public convenience init(ed25519PrivateKeySeed: [UInt8]) throws {
        try self.init(key: PrivateKey(ed25519Seed: ed25519PrivateKeySeed))
    }

    /// Makes the context from any private key. Only Ed25519 keys make a context peers accept; tests
    /// use other key types to check that refusal.
    init(key: PrivateKey) throws {
        self.key = key
        certificate = try SelfSignedCertificate(key: key)
        // Empty only for the non-Ed25519 keys of tests.
        publicKey = key.ed25519PublicKey ?? []
        OpenSSLErrorQueue.clear()
        guard let context = SSL_CTX_new(TLS_method()) else {
            throw TLSError.fromErrorQueue("cannot create SSL_CTX")
        }
        pointer = context
        try configure()
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    /// Makes an engine for one connection.
    ///
    /// A client engine starts its handshake at once: its ClientHello is ready in `takeOutput()`
    /// as soon as this returns, so the driver writes it right after connecting.
    ///
    /// - Parameters:
    ///   - role: which end of the connection the engine plays.
    ///   - expectedPeerAddress: the 16-byte address (first 16 bytes of SHA-256 of the raw Ed25519
    ///     public key) the peer must have, as pinned with `--peer ADDRESS@HOST:PORT`; nil accepts any
    ///     Ed25519 peer. The pin is checked while verifying the peer's certificate, so a pinned client
    ///     aborts the handshake before it sends its own certificate; the engine then throws a
    ///     `TLSError` of kind `.pinMismatch`. A server may be given a pin too; its clients have then
    ///     seen its certificate already, as TLS 1.3 always shows the server's first.
    /// - Throws: `TLSError` if the pin is not 16 bytes or OpenSSL cannot set up the connection.
    public func makeEngine(role: TLSRole, expectedPeerAddress: [UInt8]? = nil) throws -> OpenSSLEngine {
        try OpenSSLEngine(context: self, role: role, expectedPeerAddress: expectedPeerAddress)
    }

    private func configure() throws {
        guard ferry_SSL_CTX_set_min_proto_version(pointer, TLS1_3_VERSION) == 1,
              ferry_SSL_CTX_set_max_proto_version(pointer, TLS1_3_VERSION) == 1,
              SSL_CTX_use_certificate(pointer, certificate.pointer) == 1,
              SSL_CTX_use_PrivateKey(pointer, key.pointer) == 1,
              SSL_CTX_check_private_key(pointer) == 1,
              // In TLS 1.3, SSL_OP_NO_TICKET alone still sends stateful tickets; zero tickets and
              // no session cache turn resumption off for good.
              SSL_CTX_set_num_tickets(pointer, 0) == 1,
              // Each frame is sent as its own record; padding keeps its exact size off the wire.
              SSL_CTX_set_block_padding(pointer, TLSLimits.recordPaddingBlockBytes) == 1
        else {
            throw TLSError.fromErrorQueue("cannot configure SSL_CTX")
        }
        _ = SSL_CTX_set_options(pointer, ferry_SSL_OP_NO_TICKET())
        _ = ferry_SSL_CTX_set_session_cache_off(pointer)
        // Memory BIOs never block, but partial writes keep SSL_write's contract simple to loop on.
        _ = ferry_SSL_CTX_set_mode(pointer, ferry_SSL_MODE_ENABLE_PARTIAL_WRITE())
        // An idle link then holds no read or write buffer (33 → 21 KB per idle connection measured):
        // a coordinator holds thousands of links, most of them quiet.
        _ = ferry_SSL_CTX_set_mode(pointer, ferry_SSL_MODE_RELEASE_BUFFERS())
    }
}
