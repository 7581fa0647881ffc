import COpenSSL
import FerryWire

/// One connection's rules for the peer's certificate, and the reason it was refused if it was.
///
/// Every peer must present an Ed25519 key. A pinned engine (`--peer ADDRESS@HOST:PORT`) also
/// requires that key to give the expected address. The pin is judged inside OpenSSL's certificate
/// verification rather than after the handshake: a client then aborts on the server's Certificate,
/// before it sends its own, so an impostor never learns whom we dialled or who we are.
///
/// OpenSSL's verify callback is a C function with no context argument; it finds this object
/// through the SSL's app data, an unretained pointer. The engine owns both the SSL and this object
/// and runs the handshake only from its own methods, so the object outlives every callback.
/// Not `Sendable`: confined to the loop thread with its engine.
final class PeerCheck {
    enum Refusal {
        case notEd25519
        /// The peer's key gives `actual`, not the pinned address.
        case pinMismatch(actual: [UInt8])
        /// OpenSSL could not hash the key, so the pin could not be checked.
        case addressUnknown
    }

    /// The 16-byte address the peer's key must give, or nil to accept any Ed25519 key.
    let expectedAddress: [UInt8]?
    /// Why the verify callback refused the peer's certificate; nil while it has not.
    private(set) var refusal: Refusal?

    /// - Throws: `TLSError` if `expectedAddress` is not an address's length.
    init(expectedAddress: [UInt8]?) throws {
        if let expectedAddress, expectedAddress.count != Address.byteCount {
            throw TLSError(message: "pinned address must be \(Address.byteCount) bytes, got \(expectedAddress.count)")
        }
        self.expectedAddress = expectedAddress
    }

    /// Makes this object the one `ssl`'s verify callback consults.
    func attach(to ssl: OpaquePointer) {
        _ = ferry_SSL_set_app_data(ssl, Unmanaged.passUnretained(self).toOpaque())
    }

    /// The object attached to the `SSL *` whose certificate `store` is verifying, if any.
    static func of(store: OpaquePointer) -> PeerCheck? {
        guard let ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
              let check = ferry_SSL_get_app_data(OpaquePointer(ssl))
        else { return nil }
        return Unmanaged<PeerCheck>.fromOpaque(check).takeUnretainedValue()
    }

    /// Judges the peer's leaf key (a borrowed `EVP_PKEY *`); records why if it is refused.
    func accepts(leafKey: OpaquePointer?) -> Bool {
        guard let leafKey, let raw = ed25519RawPublicKey(of: leafKey) else {
            refusal = .notEd25519
            return false
        }
        guard let expectedAddress else { return true }
        guard let actual = PeerCertificate.address(ofEd25519Key: raw) else {
            refusal = .addressUnknown
            return false
        }
        guard actual == expectedAddress else {
            refusal = .pinMismatch(actual: actual)
            return false
        }
        return true
    }

    /// Checks the pin once more on the key the finished handshake proved. The verify callback has
    /// already refused a mismatch; this guards against any path on which OpenSSL skipped it.
    func confirm(peerKey: [UInt8]) throws {
        guard let expectedAddress else { return }
        guard let actual = PeerCertificate.address(ofEd25519Key: peerKey) else {
            throw TLSError.fromErrorQueue("cannot compute the peer's address to check the pin")
        }
        guard actual == expectedAddress else {
            throw Self.pinMismatchError(expected: expectedAddress, actual: actual, detail: "TLS handshake completed")
        }
    }

    /// Explains a failed handshake, naming our own refusal if that was the cause. `error` is what
    /// OpenSSL's error queue said.
    func explain(_ error: TLSError) -> TLSError {
        switch refusal {
        case nil:
            return error
        case .notEd25519:
            return TLSError(message: "\(error.message) (peer certificate key is not Ed25519)")
        case .addressUnknown:
            return TLSError(message: "\(error.message) (cannot compute the peer's address to check the pin)")
        case .pinMismatch(let actual):
            return Self.pinMismatchError(expected: expectedAddress ?? [], actual: actual, detail: error.message)
        }
    }

    private static func pinMismatchError(expected: [UInt8], actual: [UInt8], detail: String) -> TLSError {
        TLSError(
            message: "peer's key does not match the pinned address: peer is \(Hex.encode(actual)), expected \(Hex.encode(expected)) (\(detail))",
            kind: .pinMismatch
        )
    }
}
