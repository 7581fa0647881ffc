import COpenSSL
import FerryWire

/// How FerryTLS judges the certificate a peer presents.
///
/// Certificates are self-signed, so chain validation against a CA would always fail; trust comes
/// from the key instead. The verify callback therefore accepts any chain but hands the leaf's key to
/// the connection's `PeerCheck`, which refuses a key that is not Ed25519 or does not give the pinned
/// address; refusing makes OpenSSL abort the handshake with an alert the peer sees. After the
/// handshake, `ed25519Key(ofPeerOf:)` reads the key that CertificateVerify proved the peer holds.
enum PeerCertificate {
    /// The verify result recorded when `PeerCheck` refuses the leaf. The handshake error names the
    /// real reason from `PeerCheck.refusal` instead of OpenSSL's generic "certificate verify failed".
    static let refusedVerifyError = X509_V_ERR_APPLICATION_VERIFICATION

    /// OpenSSL's verify callback (SSL_verify_cb). Called once per certificate and error in the
    /// chain; depth 0 is the peer's own (leaf) certificate.
    static let verifyCallback: @convention(c) (Int32, OpaquePointer?) -> Int32 = { _, store in
        // Without its PeerCheck the connection cannot be judged: refuse rather than guess.
        guard let store, let check = PeerCheck.of(store: store) else { return 0 }
        // Intermediates and self-signed roots are fine: only the leaf's key identifies the peer.
        guard X509_STORE_CTX_get_error_depth(store) == 0 else { return 1 }
        let key = X509_STORE_CTX_get_current_cert(store).flatMap { X509_get0_pubkey($0) }
        guard check.accepts(leafKey: key) else {
            X509_STORE_CTX_set_error(store, PeerCertificate.refusedVerifyError)
            return 0
        }
        return 1
    }

    /// The raw Ed25519 public key of the peer's certificate on an `SSL *` whose handshake is done.
    /// Throws if the peer presented no certificate or one with another kind of key.
    static func ed25519Key(ofPeerOf ssl: OpaquePointer) throws -> [UInt8] {
        guard let certificate = SSL_get1_peer_certificate(ssl) else {
            throw TLSError(message: "peer presented no certificate")
        }
        defer { X509_free(certificate) }
        guard let key = X509_get0_pubkey(certificate) else {
            throw TLSError.fromErrorQueue("cannot read the peer certificate's public key")
        }
        guard let raw = ed25519RawPublicKey(of: key) else {
            throw TLSError(message: "peer certificate key is not Ed25519")
        }
        return raw
    }

    /// A node's address from its raw Ed25519 public key: the first 16 bytes of its SHA-256
    /// (docs/PROTOCOL.md §Values). FerryTLS computes it with OpenSSL, as only FerryCrypto may use
    /// swift-crypto; a test pins it to the protocol's vector. Nil only if OpenSSL cannot hash (it
    /// fetches SHA-256 from a provider, which can fail to load or allocate); the error queue says why.
    static func address(ofEd25519Key key: [UInt8]) -> [UInt8]? {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        guard SHA256(key, key.count, &digest) != nil else { return nil }
        return Array(digest.prefix(Address.byteCount))
    }
}
