import CLibUV

/// A connected byte stream on the loop: the behaviour `TCPStream` and `PipeStream` share.
///
/// Reading delivers chunks to `onData` and ends with exactly one `onClose`. Writing copies the bytes
/// and queues them with a bound (`writeQueueBytesMax`), so a slow peer makes `write` return false
/// instead of growing memory without limit; `onDrain` says when to resume.
///
/// Loop-confined and not `Sendable`. The loop keeps the stream alive until it has closed, so every
/// stream must end with `close()` or `shutdownThenClose()` (or a read error or EOF, which close it).
/// Named `LoopStream` rather than `Stream` so it does not clash with `Foundation.Stream`.
public class LoopStream: LoopHandle {
    /// The loop this stream runs on.
    public let loop: Loop
    /// The libuv stream; the concrete `uv_tcp_t` or `uv_pipe_t` starts with it.
    let stream: UnsafeMutablePointer<uv_stream_t>

    enum State {
        /// Reading and writing allowed.
        case open
        /// `uv_shutdown` is pending: no new writes; closes when the queued ones are done.
        case shuttingDown
        /// `uv_close` has been called.
        case closed
    }
    var state = State.open

    /// Where the stream goes, for error messages: a peer endpoint or a socket path.
    var label: String?
    /// Why the stream ended, when an error ended it; `onClose` and a pending connect receive it.
    var closeError: LoopError?

    private var onData: (([UInt8]) -> Void)?
    private var onClose: ((LoopError?) -> Void)?
    private var isReading = false
    private var hasStartedReading = false
    private var endDelivered = false

    /// Bytes handed to `write` whose write callbacks have not run yet.
    public internal(set) var queuedWriteBytes = 0
    /// The most bytes that may wait in the write queue; `write` refuses anything beyond it.
    /// 4 MiB by default: a few round trips of a fast link, small enough to bound a stuck peer.
    public var writeQueueBytesMax = 4 * 1024 * 1024
    /// Called when `queuedWriteBytes` falls back to zero while the stream is open, so a writer that
    /// was refused by back-pressure knows it may write again.
    public var onDrain: (() -> Void)?

    /// Called once when a connect finishes or is abandoned; nil means connected.
    var pendingConnect: ((LoopError?) -> Void)?
    /// The timer that turns a graceful close into a hard one; closed with the stream.
    var closeDeadline: Timer?

    /// Takes ownership of an initialised libuv stream handle allocated by the subclass.
    init(loop: Loop, stream: UnsafeMutablePointer<uv_stream_t>) {
        self.loop = loop
        self.stream = stream
        HandleMemory.attach(self, to: HandleMemory.handle(stream))
    }

    /// True once `close()` has been called (directly, by an error, or after EOF and shutdown).
    public var isClosed: Bool {
        state == .closed
    }

    /// `"<what> <label>"`, the operation text for errors on this stream.
    func operation(_ what: String) -> String {
        label.map { "\(what) \($0)" } ?? what
    }

    // MARK: Reading

    /// Starts delivering received bytes to `onData`. `onClose` is called exactly once when reading
    /// ends: with nil on EOF or on a local `close()`, with the error when the connection fails.
    ///
    /// After EOF the stream finishes its queued writes and then closes itself, because a Ferry peer
    /// that stops sending is done. Calling this again after `stopReading()` resumes with the new
    /// callbacks. On a stream that has already closed, `onClose` is called before this returns.
    public func startReading(onData: @escaping ([UInt8]) -> Void, onClose: @escaping (LoopError?) -> Void) {
        guard !endDelivered else { return }
        self.onData = onData
        self.onClose = onClose
        hasStartedReading = true
        guard state != .closed else {
            deliverEnd(closeError)
            return
        }
        guard !isReading else { return }
        let status = uv_read_start(stream, streamAllocate, streamRead)
        if status < 0 {
            fail(LoopError(code: status, operation: operation("read")))
            return
        }
        isReading = true
    }

    /// Stops reading until `startReading` is called again; the kernel buffers what arrives and TCP
    /// flow control slows the peer down. This is the read side of back-pressure.
    public func stopReading() {
        guard isReading, state != .closed else { return }
        uv_read_stop(stream)
        isReading = false
    }

    /// Handles one libuv read result. `bytes` points into the loop's shared read buffer.
    fileprivate func didRead(_ count: Int, _ bytes: UnsafeRawPointer?) {
        if count > 0, let bytes {
            let chunk = [UInt8](UnsafeRawBufferPointer(start: bytes, count: count))
            let onData = self.onData
            onData?(chunk)
        } else if count == Int(UV_EOF.rawValue) {
            uv_read_stop(stream)
            isReading = false
            deliverEnd(nil)
            shutdownThenClose()
        } else if count < 0 {
            fail(LoopError(code: Int32(truncatingIfNeeded: count), operation: operation("read")))
        }
        // count == 0 is libuv's EAGAIN: nothing to do.
    }

    /// Calls `onClose` once, if reading was ever started, and drops the read callbacks.
    private func deliverEnd(_ error: LoopError?) {
        guard hasStartedReading, !endDelivered else { return }
        endDelivered = true
        let onClose = self.onClose
        self.onData = nil
        self.onClose = nil
        onClose?(error)
    }

    /// Ends the stream because of an error: the connection is unusable, so pending writes are
    /// cancelled rather than waited for.
    func fail(_ error: LoopError) {
        if closeError == nil {
            closeError = error
        }
        deliverEnd(error)
        close()
    }

    // MARK: Closing

    /// Closes the stream now; idempotent. Queued writes complete with a cancellation error, then
    /// `onClose(nil)` runs if reading had started and had not ended yet.
    public func close() {
        guard state != .closed else { return }
        state = .closed
        isReading = false
        HandleMemory.close(HandleMemory.handle(stream))
    }

    func handleDidClose() {
        closeDeadline?.close()
        closeDeadline = nil
        deliverEnd(closeError)
        if let pendingConnect {
            self.pendingConnect = nil
            pendingConnect(closeError ?? LoopError(code: LoopError.Code.cancelled, operation: operation("connect")))
        }
        onData = nil
        onClose = nil
        onDrain = nil
    }

    // MARK: Connecting

    /// Starts a connect request made by `start` (uv_tcp_connect or uv_pipe_connect); `completion`
    /// runs exactly once, always from a loop callback, even when `start` fails at once.
    func beginConnect(
        _ completion: @escaping (LoopError?) -> Void,
        start: (UnsafeMutablePointer<uv_connect_t>, uv_connect_cb) throws(LoopError) -> Int32
    ) {
        pendingConnect = completion
        let request = UnsafeMutablePointer<uv_connect_t>.allocate(capacity: 1)
        request.initialize(to: uv_connect_t())
        let status: Int32
        do {
            status = try start(request, streamConnected)
        } catch {
            request.deallocate()
            fail(error)
            return
        }
        if status < 0 {
            request.deallocate()
            fail(LoopError(code: status, operation: operation("connect")))
        }
    }

    fileprivate func didConnect(_ status: Int32) {
        guard let completion = pendingConnect else { return }
        pendingConnect = nil
        if status == 0 && state == .open {
            didEstablish()
            completion(nil)
        } else {
            let code = status < 0 ? status : LoopError.Code.cancelled
            let error = LoopError(code: code, operation: operation("connect"))
            fail(error)
            completion(error)
        }
    }

    /// Called when the stream becomes connected, by connect or accept; subclasses cache endpoints.
    func didEstablish() {}
}

/// Hands libuv the loop's shared read buffer (see `Loop.readBuffer`).
private func streamAllocate(_ handle: UnsafeMutablePointer<uv_handle_t>?, _: Int, _ buffer: UnsafeMutablePointer<uv_buf_t>?) {
    let owner: LoopStream = HandleMemory.owner(of: handle)
    let shared = owner.loop.readBuffer
    buffer!.pointee = uv_buf_init(shared.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(shared.count))
}

private func streamRead(_ stream: UnsafeMutablePointer<uv_stream_t>?, _ count: Int, _ buffer: UnsafePointer<uv_buf_t>?) {
    let owner: LoopStream = HandleMemory.owner(ofStream: stream)
    owner.didRead(count, buffer.flatMap { UnsafeRawPointer($0.pointee.base) })
}

private func streamConnected(_ request: UnsafeMutablePointer<uv_connect_t>?, _ status: Int32) {
    let request = request!
    let owner: LoopStream = HandleMemory.owner(ofStream: request.pointee.handle)
    request.deallocate()
    owner.didConnect(status)
}
