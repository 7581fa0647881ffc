import CLibUV

/// A UDP socket on the loop: datagrams in and out, plus the multicast options that LAN discovery
/// beacons need (`UDPSocket+Multicast.swift`). Sending lives in `UDPSocket+Send.swift`.
///
/// Everything a remote sender or the network can cause is counted, never fatal: oversized
/// datagrams are dropped whole (`droppedDatagramCount`), receive and send failures are counted with
/// the last error kept for logs, and the send queue has a bound (`sendQueueBytesMax`).
///
/// Loop-confined and not `Sendable`. The loop keeps the socket alive until its close callback, even
/// if you drop your reference, so every socket must be closed exactly once (extra calls are ignored).
public final class UDPSocket: LoopHandle {
    /// The largest datagram delivered, in bytes; anything longer is dropped whole and counted.
    ///
    /// 1472 = a 1500-byte Ethernet MTU minus the 20-byte IPv4 header and the 8-byte UDP header: the
    /// largest datagram that crosses a LAN in one frame. Beacons must fit in it, because fragmented
    /// multicast is often lost and reassembly is work a stranger could make us do. (IPv6 headers are
    /// 40 bytes, so an unfragmented IPv6 datagram holds 1452; senders should stay under that.)
    public static let datagramBytesMax = 1472

    /// The default for `sendQueueBytesMax`: 64 KiB, dozens of beacons, small enough that a socket
    /// with no route cannot hold much memory.
    public static let sendQueueBytesMaxDefault = 64 * 1024

    /// The loop this socket runs on.
    public let loop: Loop
    /// The heap-allocated libuv handle; freed in the close callback.
    let udp: UnsafeMutablePointer<uv_udp_t>
    /// True once `close()` has been called.
    public private(set) var isClosed = false

    private var onDatagram: (([UInt8], String) -> Void)?
    private var isReceiving = false
    /// The local endpoint after `bind`, for error messages.
    private var boundAddress: String?

    /// Datagrams dropped because they were longer than `datagramBytesMax` (libuv's `UV_UDP_PARTIAL`).
    public private(set) var droppedDatagramCount = 0
    /// Receive failures reported by the OS; receiving goes on after each one.
    public private(set) var receiveErrorCount = 0
    /// The most recent receive failure, for logs.
    public private(set) var lastReceiveError: LoopError?

    /// Bytes handed to `send` whose send callbacks have not run yet.
    public internal(set) var queuedSendBytes = 0
    /// The most bytes that may wait in the send queue; `send` refuses anything beyond it.
    public var sendQueueBytesMax = UDPSocket.sendQueueBytesMaxDefault
    /// Sends that failed: refused at once by the OS or libuv, or completed with an error (e.g.
    /// `ENETUNREACH` when there is no route). Cancellations by `close()` are not counted.
    public internal(set) var sendErrorCount = 0
    /// The most recent send failure, naming the destination: `send 198.18.0.9:4242: network is unreachable`.
    public internal(set) var lastSendError: LoopError?

    /// Creates an unbound UDP socket on `loop`; the OS socket is made by `bind` (or by the first
    /// `send`, which binds to an ephemeral port on all interfaces).
    /// - Throws: `LoopError` if libuv cannot create the handle.
    public init(loop: Loop) throws {
        let udp = try HandleMemory.make(uv_udp_t(), operation: "udp init") { uv_udp_init(loop.raw, $0) }
        self.loop = loop
        self.udp = udp
        HandleMemory.attach(self, to: HandleMemory.handle(udp))
    }

    /// Binds to `host` (an IPv4 or IPv6 literal; `0.0.0.0` or `::` for all interfaces) and `port`
    /// (0 picks a free port; read it from `localEndpoint` or `localPort`).
    ///
    /// With `reuseAddress`, several sockets (several nodes on one machine) can bind the same port
    /// if all of them ask for it (`SO_REUSEADDR` on Linux, `SO_REUSEPORT` on BSD and macOS); every
    /// one of them then receives the multicast datagrams of the groups it joined.
    /// With `ipv6Only`, a socket bound to `::` takes IPv6 only (`IPV6_V6ONLY`), so it can share its
    /// port with an IPv4 socket and never sees IPv4 datagrams; without it, `::` is dual stack.
    /// - Throws: `LoopError`, e.g. `bind 127.0.0.1:4242: address already in use`.
    public func bind(host: String, port: UInt16, reuseAddress: Bool = false, ipv6Only: Bool = false) throws {
        precondition(!isClosed, "UDPSocket.bind after close")
        let address = try SocketAddress(host: host, port: port, operation: "bind")
        let flags = (reuseAddress ? UV_UDP_REUSEADDR.rawValue : 0) | (ipv6Only ? UV_UDP_IPV6ONLY.rawValue : 0)
        let udp = self.udp
        try LoopError.check(address.withSockaddr { uv_udp_bind(udp, $0, flags) }, "bind \(address.text)")
        boundAddress = localEndpoint ?? address.text
    }

    /// The local `host:port` (`[host]:port` for IPv6), or nil before the socket is bound or after close.
    public var localEndpoint: String? {
        localAddress.map { SocketAddress.format(host: $0.host, port: $0.port) }
    }

    /// The local port, useful after binding port 0; nil before the socket is bound or after close.
    public var localPort: UInt16? {
        localAddress?.port
    }

    private var localAddress: (host: String, port: UInt16)? {
        guard !isClosed else { return nil }
        let udp = self.udp
        return SocketAddress.read { uv_udp_getsockname(udp, $0, $1) }
    }

    /// `"<what> on <local endpoint>"`, the operation text for errors about this socket itself.
    func operation(_ what: String) -> String {
        "\(what) on \(boundAddress ?? "(unbound)")"
    }

    // MARK: Receiving

    /// Delivers each datagram received, with the sender as `host:port` (`[host]:port` for IPv6; a
    /// link-local sender with its scope, `[fe80::1%eth0]:7171`, so it can be answered or dialled).
    /// Empty datagrams are delivered as empty arrays. Datagrams longer than `datagramBytesMax` are
    /// dropped and counted, never delivered truncated; receive errors are counted and receiving
    /// continues. Calling this again replaces the callback. An unbound socket is bound to an
    /// ephemeral port on all IPv4 interfaces first.
    /// - Throws: `LoopError` if receiving cannot start (e.g. that implicit bind fails).
    public func startReceiving(onDatagram: @escaping ([UInt8], _ sender: String) -> Void) throws {
        precondition(!isClosed, "UDPSocket.startReceiving after close")
        self.onDatagram = onDatagram
        guard !isReceiving else { return }
        let status = uv_udp_recv_start(udp, udpAllocate, udpReceived)
        guard status == 0 else {
            self.onDatagram = nil
            throw LoopError(code: status, operation: operation("receive"))
        }
        isReceiving = true
    }

    /// Stops delivering datagrams until `startReceiving` is called again; the kernel queues what
    /// arrives meanwhile, up to its receive buffer, and drops the rest.
    public func stopReceiving() {
        guard isReceiving, !isClosed else { return }
        uv_udp_recv_stop(udp)
        isReceiving = false
        onDatagram = nil
    }

    /// Handles one libuv receive result. `bytes` points into the loop's shared read buffer.
    fileprivate func didReceive(_ count: Int, _ bytes: UnsafeRawPointer?, from sender: UnsafePointer<sockaddr>?, flags: UInt32) {
        if count < 0 {
            receiveErrorCount += 1
            lastReceiveError = LoopError(code: Int32(truncatingIfNeeded: count), operation: operation("receive"))
            return
        }
        // No sender with count 0 is libuv's EAGAIN: nothing was read.
        guard let sender, !isClosed else { return }
        guard flags & UV_UDP_PARTIAL.rawValue == 0, count <= UDPSocket.datagramBytesMax,
              let name = SocketAddress.name(of: sender) else {
            droppedDatagramCount += 1
            return
        }
        let datagram = count > 0 && bytes != nil ? [UInt8](UnsafeRawBufferPointer(start: bytes, count: count)) : []
        let onDatagram = self.onDatagram
        onDatagram?(datagram, SocketAddress.format(host: name.host, port: name.port))
    }

    // MARK: Closing

    /// Closes the socket; idempotent. Queued sends are cancelled (their buffers are freed in their
    /// callbacks, before the close callback), and no datagram is delivered after this returns.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        isReceiving = false
        HandleMemory.close(HandleMemory.handle(udp))
    }

    func handleDidClose() {
        onDatagram = nil
    }
}

/// Hands libuv the first `datagramBytesMax` bytes of the loop's shared read buffer (see
/// `Loop.readBuffer`): a longer datagram does not fit, so the kernel truncates it and libuv flags it
/// `UV_UDP_PARTIAL`, which is how oversized datagrams are recognised and dropped.
private func udpAllocate(_ handle: UnsafeMutablePointer<uv_handle_t>?, _: Int, _ buffer: UnsafeMutablePointer<uv_buf_t>?) {
    let owner: UDPSocket = HandleMemory.owner(of: handle)
    let shared = owner.loop.readBuffer
    precondition(UDPSocket.datagramBytesMax <= shared.count, "datagramBytesMax exceeds the loop's read buffer")
    buffer!.pointee = uv_buf_init(shared.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(UDPSocket.datagramBytesMax))
}

private func udpReceived(
    _ udp: UnsafeMutablePointer<uv_udp_t>?, _ count: Int, _ buffer: UnsafePointer<uv_buf_t>?,
    _ sender: UnsafePointer<sockaddr>?, _ flags: UInt32
) {
    let owner: UDPSocket = HandleMemory.owner(of: HandleMemory.handle(udp!))
    owner.didReceive(count, buffer.flatMap { UnsafeRawPointer($0.pointee.base) }, from: sender, flags: flags)
}
