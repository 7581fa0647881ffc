import COpenSSL
import FerryWire

/// A TLS failure: bad bytes from the peer, a refused certificate, or OpenSSL refusing our setup.
///
/// Errors a peer can cause close the link; they never crash the node. `message` says what Ferry was
/// doing and carries OpenSSL's own error-queue text so an operator can see the underlying reason.
public struct TLSError: Error, CustomStringConvertible {
    /// The failures a caller may want to treat differently from the rest.
    public enum Kind: Sendable, Equatable {
        /// The peer's Ed25519 key does not give the address the engine was made to expect
        /// (`makeEngine(role:expectedPeerAddress:)`): someone else answered. The handshake was
        /// aborted during certificate verification, so a client never sent its own certificate.
        case pinMismatch
        /// Anything else: bad bytes, a refused certificate, OpenSSL refusing our setup.
        case other
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// What failed, followed by OpenSSL's error-queue entries (if any), separated by "; ".
    public let message: String

    /// Makes an error with a message of our own, without consulting OpenSSL.
    public init(message: String, kind: Kind = .other) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "TLS error: \(message)" }

    /// Makes an error from `what` plus every entry in this thread's OpenSSL error queue, and leaves
    /// the queue empty: a stale entry would otherwise be blamed on the next, unrelated operation.
    static func fromErrorQueue(_ what: String) -> TLSError {
        let details = OpenSSLErrorQueue.drain()
        if details.isEmpty {
            return TLSError(message: what)
        }
        return TLSError(message: "\(what): \(details.joined(separator: "; "))")
    }
}

/// OpenSSL's per-thread error queue.
enum OpenSSLErrorQueue {
    /// Longest text ERR_error_string_n writes for one entry; it truncates beyond this.
    private static let entryTextBytesMax = 256
    /// The queue holds at most 16 entries in OpenSSL; the bound guards against surprises.
    private static let entriesMax = 32

    /// Returns the text of each queued error, oldest first, and empties the queue.
    static func drain() -> [String] {
        var texts: [String] = []
        while texts.count < entriesMax {
            let code = ERR_get_error()
            if code == 0 { break }
            texts.append(text(of: code))
        }
        ERR_clear_error()
        return texts
    }

    /// Empties the queue. OpenSSL requires this before an SSL I/O call so SSL_get_error is reliable.
    static func clear() {
        ERR_clear_error()
    }

    private static func text(of code: UInt) -> String {
        var buffer = [CChar](repeating: 0, count: entryTextBytesMax)
        ERR_error_string_n(code, &buffer, buffer.count)
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The link core tells a pin refused inside the handshake from other TLS failures through this,
/// so a dialler learns "wrong peer" and backs off instead of reading it as a protocol error.
extension TLSError: PinMismatchReporting {
    public var isPinMismatch: Bool { kind == .pinMismatch }
}
