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

    /// A drained memory BIO holding more than this (1 KiB) is replaced by an empty one, so an idle
    /// link does not keep its largest burst's buffer (the hello's record is about 2 KiB; keepalive
    /// records fit).
    static let idleBIOCapacityBytesMax = 1024

    /// Length of a raw Ed25519 private key (seed) and public key (RFC 8032), 32 bytes each.
    static let ed25519KeyBytes = 32

    /// Validity of our self-signed certificate: from one hour ago (clock skew between peers)…
    static let certificateBackdateSeconds = 60 * 60
    /// …to ten years ahead. Trust comes from the key, not from the dates, so they are generous.
    static let certificateLifetimeSeconds = 10 * 365 * 24 * 60 * 60


    /// TLS 1.3 records are padded so their plaintext (data plus the content-type byte) fills a
    /// whole number of these blocks (256 bytes). Every frame is its own record, so without padding
    /// the wire shows each frame's exact size. With 256, the control frames (ping, pong, proof,
    /// refuse, a short close: each under 255 bytes) all look alike and a message's length shows only
    /// to 256 bytes. The cost is at most 255 bytes per record: under 10% of an envelope, whose sealed
    /// body alone exceeds 2 KiB, and nothing that matters for a keepalive every 15 s.
    static let recordPaddingBlockBytes = 256
}
