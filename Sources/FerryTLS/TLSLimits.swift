/// The bounds FerryTLS puts on what it holds, in one place.
enum TLSLimits {
    /// Plaintext an engine buffers while its handshake is still running (8 MiB). Beyond this `send`
    /// throws: a link that cannot finish its handshake must not grow memory without bound.
    static let pendingPlaintextBytesMax = 8 * 1024 * 1024

    /// Plaintext pulled out of OpenSSL per SSL_read call: one maximum TLS record (16 KiB).
    static let readChunkBytes = 16 * 1024

    /// Plaintext handed to OpenSSL per SSL_write call, so counts always fit in a C int (1 MiB).
    static let writeChunkBytes = 1024 * 1024

    /// Ciphertext handed to a memory BIO per BIO_write call, so counts always fit in a C int (1 MiB).
    static let bioWriteChunkBytes = 1024 * 1024

    /// Length of a raw Ed25519 private key (seed) and public key (RFC 8032), 32 bytes each.
    static let ed25519KeyBytes = 32

    /// Validity of our self-signed certificate: from one hour ago (clock skew between peers)…
    static let certificateBackdateSeconds = 60 * 60
    /// …to ten years ahead. Trust comes from the key, not from the dates, so they are generous.
    static let certificateLifetimeSeconds = 10 * 365 * 24 * 60 * 60
}
