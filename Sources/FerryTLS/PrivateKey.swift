import COpenSSL

/// An OpenSSL private key (EVP_PKEY) owned by Swift: freed exactly once, in `deinit`.
///
/// Ferry nodes only ever use Ed25519; `generateP256ForTesting()` exists so tests can show that a peer
/// with any other kind of certificate is refused. Not `Sendable`: confined to the loop thread.
final class PrivateKey {
    /// The owned `EVP_PKEY *`.
    let pointer: OpaquePointer

    /// Wraps a key whose reference the caller hands over.
    private init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// Loads a raw 32-byte Ed25519 private key (the RFC 8032 seed).
    convenience init(ed25519Seed seed: [UInt8]) throws {
        guard seed.count == TLSLimits.ed25519KeyBytes else {
            throw TLSError(message: "Ed25519 private key must be \(TLSLimits.ed25519KeyBytes) bytes, got \(seed.count)")
        }
        OpenSSLErrorQueue.clear()
        let key = seed.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_private_key(ferry_EVP_PKEY_ED25519(), nil, $0.baseAddress, $0.count)
        }
        guard let key else {
            throw TLSError.fromErrorQueue("cannot load Ed25519 private key")
        }
        self.init(taking: key)
    }

    /// Makes a fresh NIST P-256 key. Only for tests of the refusal of non-Ed25519 peers.
    static func generateP256ForTesting() throws -> PrivateKey {
        OpenSSLErrorQueue.clear()
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw TLSError.fromErrorQueue("cannot create EC key context")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1,
              EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
              EVP_PKEY_generate(context, &key) == 1,
              let key
        else {
            throw TLSError.fromErrorQueue("cannot generate P-256 key")
        }
        return PrivateKey(taking: key)
    }

    /// True if this is an Ed25519 key.
    var isEd25519: Bool {
        ferry_EVP_PKEY_id(pointer) == ferry_EVP_PKEY_ED25519()
    }

    /// The raw 32-byte Ed25519 public key, or nil for any other kind of key.
    var ed25519PublicKey: [UInt8]? {
        ed25519RawPublicKey(of: pointer)
    }
}

/// The raw public key of an Ed25519 `EVP_PKEY *`, or nil if the key is of another type.
/// The key is borrowed: the caller keeps ownership.
func ed25519RawPublicKey(of key: OpaquePointer) -> [UInt8]? {
    guard ferry_EVP_PKEY_id(key) == ferry_EVP_PKEY_ED25519() else { return nil }
    var raw = [UInt8](repeating: 0, count: TLSLimits.ed25519KeyBytes)
    var length = raw.count
    guard EVP_PKEY_get_raw_public_key(key, &raw, &length) == 1,
          length == TLSLimits.ed25519KeyBytes
    else {
        OpenSSLErrorQueue.clear()
        return nil
    }
    return raw
}
