import CLibUV

/// One queued datagram: the libuv request and a private copy of the bytes, both freed in the send
/// callback, because libuv reads the buffer until then.
private final class SendRequest {
    let request: UnsafeMutablePointer<uv_udp_send_t>
    let buffer: UnsafeMutableRawBufferPointer
    let byteCount: Int
    /// `host:port` of the destination, for the error text if the send fails later.
    let destination: String

    init(bytes: [UInt8], destination: String) {
        request = .allocate(capacity: 1)
        request.initialize(to: uv_udp_send_t())
        // At least one byte so the allocation always has an address, even for an empty datagram.
        buffer = .allocate(byteCount: max(bytes.count, 1), alignment: 1)
        buffer.copyBytes(from: bytes)
        byteCount = bytes.count
        self.destination = destination
    }

    func free() {
        request.deallocate()
        buffer.deallocate()
    }
}

extension UDPSocket {
    /// Queues one datagram to `host` (an IPv4 or IPv6 literal, unicast or multicast) and `port`.
    /// The bytes are copied, so the array may be reused at once.
    ///
    /// Always `uv_udp_send`, never `uv_udp_try_send`, like `LoopStream.write`: one path, failures
    /// always reported from the send callback, and `queuedSendBytes` counts every datagram whose
    /// buffer is still alive, so the bound holds whatever the kernel does.
    ///
    /// Keep datagrams within `UDPSocket.datagramBytesMax`: receivers drop anything longer. The
    /// sender does not enforce it, so tests can send oversized datagrams; the codec bounds beacons.
    /// - Returns: true when the datagram was queued. A failure the OS reports afterwards (no route,
    ///   message too long) is counted in `sendErrorCount` and kept in `lastSendError`, never fatal:
    ///   UDP promises no delivery anyway. False when nothing was queued: the socket is closed,
    ///   `queuedSendBytes + bytes.count` would exceed `sendQueueBytesMax`, `host` is not an IP
    ///   literal, or libuv refused at once (the last two are also counted as send errors).
    @discardableResult
    public func send(_ bytes: [UInt8], to host: String, port: UInt16) -> Bool {
        guard !isClosed else { return false }
        guard queuedSendBytes + bytes.count <= sendQueueBytesMax else { return false }
        precondition(bytes.count <= Int(UInt32.max), "a libuv buffer holds at most 4 GiB")
        let address: SocketAddress
        do {
            address = try SocketAddress(host: host, port: port, operation: "send")
        } catch {
            noteSendError(error)
            return false
        }
        let send = SendRequest(bytes: bytes, destination: address.text)
        let retained = Unmanaged.passRetained(send)
        send.request.pointee.data = retained.toOpaque()
        // uv_udp_send copies the uv_buf_t descriptors and the address, so locals are enough.
        let buffer = uv_buf_init(send.buffer.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(bytes.count))
        let udp = self.udp
        let status = withUnsafePointer(to: buffer) { buffers in
            address.withSockaddr { uv_udp_send(send.request, udp, buffers, 1, $0, udpSent) }
        }
        guard status == 0 else {
            retained.release()
            send.free()
            noteSendError(LoopError(code: status, operation: "send \(address.text)"))
            return false
        }
        queuedSendBytes += bytes.count
        return true
    }

    fileprivate func didSend(byteCount: Int, destination: String, status: Int32) {
        queuedSendBytes -= byteCount
        // Cancellation is what close() asked for, not a failure.
        guard status < 0, status != LoopError.Code.cancelled else { return }
        noteSendError(LoopError(code: status, operation: "send \(destination)"))
    }

    private func noteSendError(_ error: LoopError) {
        sendErrorCount += 1
        lastSendError = error
    }
}

private func udpSent(_ request: UnsafeMutablePointer<uv_udp_send_t>?, _ status: Int32) {
    let request = request!
    let send = Unmanaged<SendRequest>.fromOpaque(request.pointee.data!).takeRetainedValue()
    let owner: UDPSocket = HandleMemory.owner(of: HandleMemory.handle(request.pointee.handle!))
    send.free()
    owner.didSend(byteCount: send.byteCount, destination: send.destination, status: status)
}
