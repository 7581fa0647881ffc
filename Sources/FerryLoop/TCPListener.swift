import CLibUV

/// A listening TCP socket that accepts connections as `TCPStream`s.
///
/// libuv sets `SO_REUSEADDR` on Unix, so a restarted node can bind its port again at once.
/// Loop-confined and not `Sendable`; close it exactly once (extra calls are ignored).
public final class TCPListener: LoopHandle {
    /// The loop this listener runs on.
    public let loop: Loop
    private let tcp: UnsafeMutablePointer<uv_tcp_t>
    private var onConnection: ((TCPStream) -> Void)?
    private var boundAddress: String?
    /// True once `close()` has been called.
    public private(set) var isClosed = false

    /// Creates an unbound listener on `loop`.
    /// - Throws: `LoopError` if libuv cannot create the handle.
    public init(loop: Loop) throws {
        let tcp = try HandleMemory.make(uv_tcp_t(), operation: "tcp init") { uv_tcp_init(loop.raw, $0) }
        self.loop = loop
        self.tcp = tcp
        HandleMemory.attach(self, to: HandleMemory.handle(tcp))
    }

    /// Binds to `host` (IPv4 or IPv6 literal; `0.0.0.0` or `::` for all interfaces) and `port`
    /// (0 picks a free port; read it from `localPort`).
    /// - Throws: `LoopError`, e.g. `bind 127.0.0.1:4000: address already in use`. libuv reports
    ///   `EADDRINUSE` only from `listen`, which names it as a bind error too.
    public func bind(host: String, port: UInt16) throws {
        precondition(!isClosed, "TCPListener.bind after close")
        let address = try SocketAddress(host: host, port: port, operation: "bind")
        boundAddress = address.text
        let tcp = self.tcp
        try LoopError.check(address.withSockaddr { uv_tcp_bind(tcp, $0, 0) }, "bind \(address.text)")
    }

    /// Starts accepting; `onConnection` receives each new connection, which the callee owns and
    /// must close. A connection that fails while being accepted is skipped silently: the peer sees
    /// a reset, and the listener keeps going.
    /// - Throws: `LoopError` when the socket cannot listen (including a deferred bind error).
    public func listen(backlog: Int32 = 128, onConnection: @escaping (TCPStream) -> Void) throws {
        precondition(!isClosed, "TCPListener.listen after close")
        self.onConnection = onConnection
        let status = uv_listen(HandleMemory.stream(tcp), backlog) { server, status in
            let owner: TCPListener = HandleMemory.owner(ofStream: server)
            owner.accept(status)
        }
        // On Unix libuv keeps a failed bind()'s EADDRINUSE and returns it here; say "bind", since
        // that is the step the operator has to fix (another process holds the port).
        let what = status == LoopError.Code.addressInUse ? "bind" : "listen"
        try LoopError.check(status, "\(what) \(boundAddress ?? "(unbound)")")
    }

    private func accept(_ status: Int32) {
        guard status == 0, !isClosed else { return }
        let client = TCPStream(loop: loop)
        guard uv_accept(HandleMemory.stream(tcp), client.stream) == 0 else {
            client.close()
            return
        }
        client.didEstablish()
        let onConnection = self.onConnection
        onConnection?(client)
    }

    /// The port the listener is bound to, useful after binding port 0; nil before bind or after close.
    public var localPort: UInt16? {
        guard !isClosed else { return nil }
        let tcp = self.tcp
        return SocketAddress.read { uv_tcp_getsockname(tcp, $0, $1) }?.port
    }

    /// Stops listening and closes the socket; idempotent.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        HandleMemory.close(HandleMemory.handle(tcp))
    }

    func handleDidClose() {
        onConnection = nil
    }
}
