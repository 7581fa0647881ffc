import COpenSSL
import FerryWire

/// One TLS 1.3 connection on OpenSSL, working on bytes in memory: `TLSEngine` for FerryCore's link
/// sessions. The driver moves ciphertext between the engine and the socket.
///
/// Two memory BIOs stand where a socket would: `receive(ciphertext:)` writes network bytes into the
/// read BIO and lets OpenSSL consume them; whatever OpenSSL writes (handshake flights, records,
/// alerts) waits in the write BIO until `takeOutput()`. A client engine starts its handshake on
/// creation, so its ClientHello is in `takeOutput()` straight away.
///
/// Any failure is sticky: once an engine has thrown, every later `receive` and `send` throws the
/// same error, and `takeOutput()` still yields the alert that tells the peer why. The write BIO is
/// not bounded here: the driver applies back-pressure by not sending more while the socket lags.
///
/// Not `Sendable`: confined to the loop thread, like the connection it serves.
public final class OpenSSLEngine: TLSEngine {
    private enum Phase {
        case handshaking
        case established
        case failed(TLSError)
    }

    /// Keeps the configuration alive for as long as this connection; `SSL` also counts a reference.
    private let context: TLSContext
    /// The owned `SSL *`. It owns both BIOs, which `SSL_free` frees.
    fileprivate let ssl: OpaquePointer
    /// Network bytes waiting for OpenSSL to read them. Replaced by an empty one when drained after
    /// holding much (`renewDrainedBIOs`).
    private var readBIO: OpaquePointer
    /// Bytes OpenSSL wrote that wait for `takeOutput()`; replaced like `readBIO`.
    private var writeBIO: OpaquePointer
    /// What the verify callback requires of the peer's certificate; `ssl` points at it unretained.
    private let peerCheck: PeerCheck

    private var phase: Phase = .handshaking
    /// Plaintext sent before the handshake completed, written as soon as it does.
    private var pendingPlaintext: [UInt8] = []
    /// Set by `shutdown()`: no more application data may be sent.
    private var closeQueued = false

    /// The raw 32-byte Ed25519 public key from the peer's certificate, once the handshake completes.
    public private(set) var peerSigningKey: [UInt8]?

    /// True once the peer's close_notify alert has arrived: it will send no more application data.
    public private(set) var peerClosed = false

    /// True once the handshake is complete and `peerSigningKey` is known.
    public var isHandshakeComplete: Bool {
        switch phase {
        case .established: true
        case .handshaking, .failed: false
        }
    }

    init(context: TLSContext, role: TLSRole, expectedPeerAddress: [UInt8]?) throws {
        self.context = context
        peerCheck = try PeerCheck(expectedAddress: expectedPeerAddress)
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.pointer) else {
            throw TLSError.fromErrorQueue("cannot create SSL")
        }
        guard let readBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TLSError.fromErrorQueue("cannot create memory BIO")
        }
        guard let writeBIO = BIO_new(BIO_s_mem()) else {
            BIO_free(readBIO)
            SSL_free(ssl)
            throw TLSError.fromErrorQueue("cannot create memory BIO")
        }
        // From here the SSL owns both BIOs, and deinit frees the SSL.
        SSL_set_bio(ssl, readBIO, writeBIO)
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
        // Before any handshake step, so the verify callback always finds it.
        peerCheck.attach(to: ssl)
        // An empty read BIO means "wait for more", not end of stream.
        _ = ferry_BIO_set_mem_eof_return(readBIO, -1)
        try start(role: role)
    }

    deinit {
        SSL_free(ssl)
    }

    private func start(role: TLSRole) throws {
        switch role {
        case .client:
            // The client verifies that the server presented an (Ed25519) certificate.
            SSL_set_verify(ssl, SSL_VERIFY_PEER, PeerCertificate.verifyCallback)
            SSL_set_connect_state(ssl)
            try driveHandshake()
        case .server:
            // Mutual authentication: a client without a certificate is refused.
            SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, PeerCertificate.verifyCallback)
            SSL_set_accept_state(ssl)
        }
    }

    // MARK: TLSEngine

    public func receive(ciphertext: [UInt8]) throws -> [UInt8] {
        try throwIfFailed()
        try feed(ciphertext)
        switch phase {
        case .handshaking:
            try driveHandshake()
            guard isHandshakeComplete else { return [] }
        case .established, .failed:
            break
        }
        // Records may have arrived with the handshake's last flight; read them now.
        let plaintext = try readPlaintext()
        renewDrainedBIOs()
        return plaintext
    }

    public func send(plaintext: [UInt8]) throws {
        try throwIfFailed()
        guard !closeQueued else {
            throw TLSError(message: "cannot send after shutdown")
        }
        switch phase {
        case .handshaking:
            guard pendingPlaintext.count + plaintext.count <= TLSLimits.pendingPlaintextBytesMax else {
                throw TLSError(message: "more than \(TLSLimits.pendingPlaintextBytesMax) bytes sent before the handshake completed")
            }
            pendingPlaintext += plaintext
        case .established, .failed:
            try write(plaintext)
        }
    }

    public func takeOutput() -> [UInt8] {
        let pending = BIO_ctrl_pending(writeBIO)
        guard pending > 0 else { return [] }
        // BIO_read counts in C ints; whatever is beyond waits for the next call.
        let count = min(pending, Int(Int32.max))
        var output = [UInt8](repeating: 0, count: count)
        let read = output.withUnsafeMutableBytes { BIO_read(writeBIO, $0.baseAddress, Int32($0.count)) }
        // A memory BIO hands over everything asked for when that much is pending; else it is our bug.
        precondition(read == Int32(count), "memory BIO returned \(read) of \(count) bytes")
        renewDrainedBIOs()
        return output
    }

    /// Bytes the two memory BIOs have allocated (for tests and diagnostics).
    var memoryBIOCapacityBytes: Int { ferry_BIO_mem_capacity(readBIO) + ferry_BIO_mem_capacity(writeBIO) }

    /// A memory BIO keeps the largest buffer it ever needed (the handshake's flights, a burst of
    /// envelopes) for as long as the link lives: kilobytes per idle link, which add up on a
    /// coordinator holding thousands. So a BIO that is empty but holds more than
    /// `TLSLimits.idleBIOCapacityBytesMax` is swapped for a new, empty one (the SSL frees the old).
    /// Only once established: during the handshake OpenSSL may stack a buffering BIO on the write side.
    private func renewDrainedBIOs() {
        guard case .established = phase else { return }
        if BIO_ctrl_pending(readBIO) == 0, ferry_BIO_mem_capacity(readBIO) > TLSLimits.idleBIOCapacityBytesMax,
            let fresh = BIO_new(BIO_s_mem())
        {
            _ = ferry_BIO_set_mem_eof_return(fresh, -1)
            SSL_set0_rbio(ssl, fresh)
            readBIO = fresh
        }
        if BIO_ctrl_pending(writeBIO) == 0, ferry_BIO_mem_capacity(writeBIO) > TLSLimits.idleBIOCapacityBytesMax,
            let fresh = BIO_new(BIO_s_mem())
        {
            SSL_set0_wbio(ssl, fresh)
            writeBIO = fresh
        }
    }

    /// Queues a close_notify alert after any data already sent; take it with `takeOutput()`.
    /// Later `send` calls throw. During the handshake the alert waits for the handshake to complete
    /// (OpenSSL cannot send it mid-handshake), right after the plaintext buffered until then.
    public func shutdown() {
        guard !closeQueued else { return }
        closeQueued = true
        switch phase {
        case .established:
            sendCloseNotify()
        case .handshaking, .failed:
            break
        }
    }

    // MARK: Internals

    private func throwIfFailed() throws {
        switch phase {
        case .failed(let error): throw error
        case .handshaking, .established: return
        }
    }

    /// Records `error` as the engine's final state and throws it.
    private func fail(_ error: TLSError) throws -> Never {
        phase = .failed(error)
        throw error
    }

    /// Hands network bytes to OpenSSL's read BIO.
    private func feed(_ ciphertext: [UInt8]) throws {
        var offset = 0
        while offset < ciphertext.count {
            let count = min(ciphertext.count - offset, TLSLimits.bioWriteChunkBytes)
            let written = ciphertext.withUnsafeBytes {
                BIO_write(readBIO, $0.baseAddress! + offset, Int32(count))
            }
            guard written == Int32(count) else {
                try fail(TLSError.fromErrorQueue("cannot buffer received bytes"))
            }
            offset += count
        }
    }

    /// Runs the handshake as far as the bytes received so far allow; on completion checks the
    /// peer's key (and pin) and flushes plaintext sent early.
    private func driveHandshake() throws {
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(ssl)
        guard result == 1 else {
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                OpenSSLErrorQueue.clear()
                return
            default:
                try fail(peerCheck.explain(TLSError.fromErrorQueue("TLS handshake failed")))
            }
        }
        do {
            let key = try PeerCertificate.ed25519Key(ofPeerOf: ssl)
            try peerCheck.confirm(peerKey: key)
            peerSigningKey = key
        } catch let error as TLSError {
            try fail(error)
        }
        phase = .established
        let early = pendingPlaintext
        pendingPlaintext = []
        try write(early)
        if closeQueued {
            sendCloseNotify()
        }
    }

    private func sendCloseNotify() {
        OpenSSLErrorQueue.clear()
        // Returns 0 ("sent ours, peer's not seen yet") or 1; either way close_notify is queued, and
        // an error here only means the link is already broken, which the next receive reports.
        _ = SSL_shutdown(ssl)
        OpenSSLErrorQueue.clear()
    }

    /// Decrypts every complete record the read BIO holds.
    private func readPlaintext() throws -> [UInt8] {
        var plaintext: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: TLSLimits.readChunkBytes)
        while true {
            OpenSSLErrorQueue.clear()
            let read = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if read > 0 {
                plaintext += chunk[0..<Int(read)]
                continue
            }
            switch SSL_get_error(ssl, read) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                OpenSSLErrorQueue.clear()
                return plaintext
            case SSL_ERROR_ZERO_RETURN:
                // close_notify: the peer is done sending.
                OpenSSLErrorQueue.clear()
                peerClosed = true
                return plaintext
            default:
                try fail(TLSError.fromErrorQueue("cannot read TLS record"))
            }
        }
    }

    /// Encrypts all of `plaintext` into the write BIO.
    private func write(_ plaintext: [UInt8]) throws {
        var offset = 0
        while offset < plaintext.count {
            let count = min(plaintext.count - offset, TLSLimits.writeChunkBytes)
            OpenSSLErrorQueue.clear()
            let written = plaintext.withUnsafeBytes {
                SSL_write(ssl, $0.baseAddress! + offset, Int32(count))
            }
            guard written > 0 else {
                try fail(TLSError.fromErrorQueue("cannot write TLS record"))
            }
            offset += Int(written)
        }
    }
}

extension OpenSSLEngine {
    /// Makes this engine present no certificate, so tests can show that a server refuses such a
    /// client. Call it on a client engine before its handshake reaches the server's request.
    func removeCertificateForTesting() {
        SSL_certs_clear(ssl)
    }
}
