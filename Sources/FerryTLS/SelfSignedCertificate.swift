import COpenSSL

/// A self-signed X.509 certificate for a node's key, made at start-up and never written to disk.
///
/// Peers do not trust the certificate's issuer, dates or name: they trust the key inside it, which
/// TLS 1.3's CertificateVerify proves the sender holds. The certificate is only the envelope TLS
/// requires for that key. Freed exactly once, in `deinit`. Not `Sendable`: confined to the loop thread.
final class SelfSignedCertificate {
    /// The owned `X509 *`.
    let pointer: OpaquePointer

    /// The common name of subject and issuer. Carries no meaning; the key is the identity.
    static let commonName = "ferry"

    /// Makes and signs a certificate for `key`.
    init(key: PrivateKey) throws {
        OpenSSLErrorQueue.clear()
        guard let certificate = X509_new() else {
            throw TLSError.fromErrorQueue("cannot allocate certificate")
        }
        // Own it from here on, so every failure below frees it through deinit.
        pointer = certificate
        try fill(key: key)
        try sign(key: key)
    }

    deinit {
        X509_free(pointer)
    }

    private func fill(key: PrivateKey) throws {
        // Version field 2 means X.509 v3. A random serial keeps two certificates from one issuer
        // name distinguishable to any tool that looks, though Ferry itself never compares them.
        let serial = Int.random(in: 1...Int.max)
        guard X509_set_version(pointer, 2) == 1,
              ASN1_INTEGER_set(X509_get_serialNumber(pointer), serial) == 1,
              X509_gmtime_adj(X509_getm_notBefore(pointer), -TLSLimits.certificateBackdateSeconds) != nil,
              X509_gmtime_adj(X509_getm_notAfter(pointer), TLSLimits.certificateLifetimeSeconds) != nil,
              let name = X509_get_subject_name(pointer),
              X509_NAME_add_entry_by_txt(name, "CN", ferry_MBSTRING_ASC(), Self.commonName, -1, -1, 0) == 1,
              X509_set_issuer_name(pointer, name) == 1,
              X509_set_pubkey(pointer, key.pointer) == 1
        else {
            throw TLSError.fromErrorQueue("cannot fill in self-signed certificate")
        }
    }

    private func sign(key: PrivateKey) throws {
        // Ed25519 signs the message itself and must be given no digest; other key types (tests
        // only) use SHA-256.
        let digest = key.isEd25519 ? nil : EVP_sha256()
        guard X509_sign(pointer, key.pointer, digest) > 0 else {
            throw TLSError.fromErrorQueue("cannot sign self-signed certificate")
        }
    }
}
