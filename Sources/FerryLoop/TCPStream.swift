import CLibUV

/// A TCP connection: made by `TCPStream.connect` or accepted by a `TCPListener`.
///
/// Loop-confined and not `Sendable`; see `LoopStream` for reading, writing and closing.
public final class TCPStream: LoopStream {
    private let tcp: UnsafeMutablePointer<uv_tcp_t>
    private var cachedPeerEndpoint: String?

    /// A fresh, unconnected TCP handle on `loop`.
    init(loop: Loop) {
        let tcp = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
        tcp.initialize(to: uv_tcp_t())
        // Without an address family uv_tcp_init creates no socket and cannot fail.
        let status = uv_tcp_init(loop.raw, tcp)
        precondition(status == 0, "uv_tcp_init: \(status)")
        self.tcp = tcp
        super.init(loop: loop, stream: HandleMemory.stream(tcp))
    }

    /// Connects to `host` (an IPv4 or IPv6 literal; names are not resolved) and `port`.
    ///
    /// `callback` runs exactly once from the loop, also when the address is invalid: with the
    /// connected stream, or with the error (e.g. `connect 127.0.0.1:9: connection refused`).
    /// - Returns: the connecting stream, so a caller can give up early (a connect timeout) by
    ///   closing it; the callback then receives a cancellation error.
    @discardableResult
    public static func connect(
        loop: Loop,
        host: String,
        port: UInt16,
        _ callback: @escaping (Result<TCPStream, LoopError>) -> Void
    ) -> TCPStream {
        let stream = TCPStream(loop: loop)
        stream.label = SocketAddress.format(host: host, port: port)
        let tcp = stream.tcp
        stream.beginConnect({ error in
            callback(error.map { .failure($0) } ?? .success(stream))
        }, start: { request, connected throws(LoopError) in
            let address = try SocketAddress(host: host, port: port, operation: "connect")
            return address.withSockaddr { uv_tcp_connect(request, tcp, $0, connected) }
        })
        return stream
    }

    /// Turns Nagle's algorithm off (`true`) so small frames go out at once, or back on.
    /// Failures are ignored: this is a latency hint and the connection works either way.
    public func setNoDelay(_ on: Bool) {
        guard !isClosed else { return }
        _ = uv_tcp_nodelay(tcp, on ? 1 : 0)
    }

    /// The remote `host:port` (`[host]:port` for IPv6), learned when the connection was made, so it
    /// stays available for logs after the peer has gone.
    public var peerEndpoint: String? {
        cachedPeerEndpoint
    }

    /// The local `host:port` of this connection, or nil when it is closed or not connected.
    public var localEndpoint: String? {
        guard !isClosed else { return nil }
        let tcp = self.tcp
        return SocketAddress.read { uv_tcp_getsockname(tcp, $0, $1) }
            .map { SocketAddress.format(host: $0.host, port: $0.port) }
    }

    override func didEstablish() {
        let tcp = self.tcp
        cachedPeerEndpoint = SocketAddress.read { uv_tcp_getpeername(tcp, $0, $1) }
            .map { SocketAddress.format(host: $0.host, port: $0.port) }
        if let cachedPeerEndpoint {
            label = cachedPeerEndpoint
        }
    }
}
