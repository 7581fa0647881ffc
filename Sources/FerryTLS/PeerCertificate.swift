import COpenSSL

/// How FerryTLS judges the certificate a peer presents.
///
/// Certificates are self-signed, so chain validation against a CA would always fail; trust comes
/// from the key instead. The verify callback therefore accepts any chain but refuses a leaf whose
/// key is not Ed25519, which makes OpenSSL abort the handshake with an alert the peer sees. After the
/// handshake, `ed25519Key(ofPeerOf:)` reads the key that CertificateVerify proved the peer holds.
enum PeerCertificate {
    /// The verify result recorded when the leaf's key is not Ed25519, so the handshake error can
    /// say so instead of OpenSSL's generic "certificate verify failed".
    static let notEd25519VerifyError = X509_V_ERR_APPLICATION_VERIFICATION

    /// OpenSSL's verify callback (SSL_verify_cb). Called once per certificate and error in the
    /// chain; depth 0 is the peer's own (leaf) certificate.
    static let verifyCallback: @convention(c) (Int32, OpaquePointer?) -> Int32 = { _, store in
        guard let store else { return 0 }
        // Intermediates and self-signed roots are fine: only the leaf's key identifies the peer.
        guard X509_STORE_CTX_get_error_depth(store) == 0 else { return 1 }
        guard let leaf = X509_STORE_CTX_get_current_cert(store),
              let key = X509_get0_pubkey(leaf),
              ferry_EVP_PKEY_id(key) == ferry_EVP_PKEY_ED25519()
        else {
            X509_STORE_CTX_set_error(store, PeerCertificate.notEd25519VerifyError)
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

    /// Explains a failed handshake, naming our own refusal of a non-Ed25519 certificate if that
    /// was the cause. Drains the OpenSSL error queue.
    static func handshakeError(ssl: OpaquePointer) -> TLSError {
        let error = TLSError.fromErrorQueue("TLS handshake failed")
        guard SSL_get_verify_result(ssl) == Int(notEd25519VerifyError) else { return error }
        return TLSError(message: "\(error.message) (peer certificate key is not Ed25519)")
    }
}
