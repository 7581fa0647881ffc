import CLibUV

/// One queued write: the libuv request and a private copy of the bytes, both freed in the write
/// callback, because libuv reads the buffer until then.
private final class WriteRequest {
    let request: UnsafeMutablePointer<uv_write_t>
    let buffer: UnsafeMutableRawBufferPointer
    let byteCount: Int
    let completion: ((LoopError?) -> Void)?

    init(bytes: [UInt8], completion: ((LoopError?) -> Void)?) {
        request = .allocate(capacity: 1)
        request.initialize(to: uv_write_t())
        // At least one byte so the allocation always has an address, even for an empty write.
        buffer = .allocate(byteCount: max(bytes.count, 1), alignment: 1)
        buffer.copyBytes(from: bytes)
        byteCount = bytes.count
        self.completion = completion
    }

    func free() {
        request.deallocate()
        buffer.deallocate()
    }
}

extension LoopStream {
    /// Queues `bytes` for sending; they are copied, so the array may be reused at once.
    ///
    /// - Returns: true when the bytes were queued; `completion` then runs exactly once, with nil
    ///   when the kernel has taken the bytes, or an error (`isCancellation` when the stream was
    ///   closed first). False when nothing was queued and `completion` will not run: the stream is
    ///   closing or closed, or `queuedWriteBytes + bytes.count` would exceed `writeQueueBytesMax`
    ///   (wait for `onDrain`; a single write larger than the limit is always refused, so split it).
    @discardableResult
    public func write(_ bytes: [UInt8], completion: ((LoopError?) -> Void)? = nil) -> Bool {
        guard state == .open else { return false }
        guard queuedWriteBytes + bytes.count <= writeQueueBytesMax else { return false }
        precondition(bytes.count <= Int(UInt32.max), "a libuv buffer holds at most 4 GiB")
        let write = WriteRequest(bytes: bytes, completion: completion)
        let retained = Unmanaged.passRetained(write)
        write.request.pointee.data = retained.toOpaque()
        var buffer = uv_buf_init(write.buffer.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(bytes.count))
        // uv_write copies the uv_buf_t descriptors, so a local `buffer` is enough.
        let status = uv_write(write.request, stream, &buffer, 1, streamWritten)
        guard status == 0 else {
            retained.release()
            write.free()
            fail(LoopError(code: status, operation: operation("write")))
            return false
        }
        queuedWriteBytes += bytes.count
        return true
    }

    fileprivate func didWrite(byteCount: Int, status: Int32, completion: ((LoopError?) -> Void)?) {
        queuedWriteBytes -= byteCount
        let error = status < 0 ? LoopError(code: status, operation: operation("write")) : nil
        completion?(error)
        if let error, !error.isCancellation {
            // The connection is broken; close it so the reader hears about it too.
            fail(error)
        }
        if queuedWriteBytes == 0 && state == .open {
            let onDrain = self.onDrain
            onDrain?()
        }
    }

    /// Closes gracefully: no new writes are accepted, the queued ones are sent, the write side is
    /// shut down (the peer reads EOF), then the stream closes. A peer that does not read would hold
    /// that forever, so after `deadlineMilliseconds` the stream is closed hard, queued writes and all.
    /// Use `close()` to give up at once.
    public func shutdownThenClose(deadlineMilliseconds: UInt64 = LoopStream.closeDeadlineMillisecondsDefault) {
        guard state == .open else { return }
        state = .shuttingDown
        armCloseDeadline(deadlineMilliseconds)
        let request = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)
        request.initialize(to: uv_shutdown_t())
        let status = uv_shutdown(request, stream) { request, _ in
            // Success, failure (e.g. ENOTCONN) and cancellation all end the same way: close.
            let request = request!
            let owner: LoopStream = HandleMemory.owner(ofStream: request.pointee.handle)
            request.deallocate()
            owner.close()
        }
        if status < 0 {
            // Not connected or already shut down: nothing is left to flush.
            request.deallocate()
            close()
        }
    }

    /// How long a graceful close may take by default before it becomes a hard one.
    public static let closeDeadlineMillisecondsDefault: UInt64 = 2_000

    private func armCloseDeadline(_ milliseconds: UInt64) {
        // Without a timer (the loop is out of handles) the graceful close has no deadline: close now.
        guard let timer = try? Timer(loop: loop) else { return close() }
        closeDeadline = timer
        timer.start(afterMilliseconds: milliseconds) { [weak self] in self?.close() }
    }
}

private func streamWritten(_ request: UnsafeMutablePointer<uv_write_t>?, _ status: Int32) {
    let request = request!
    let write = Unmanaged<WriteRequest>.fromOpaque(request.pointee.data!).takeRetainedValue()
    let owner: LoopStream = HandleMemory.owner(ofStream: request.pointee.handle)
    write.free()
    owner.didWrite(byteCount: write.byteCount, status: status, completion: write.completion)
}
