import CLibUV

/// A listening Unix domain socket (the daemon's control socket) that accepts `PipeStream`s.
///
/// After binding, the socket file is made mode 0600 so only the owner can connect; keep it in a
/// private (0700) directory too, which also closes the short window between bind and chmod.
/// Closing the listener removes the socket file. Loop-confined and not `Sendable`; close it
/// exactly once (extra calls are ignored).
public final class PipeListener: LoopHandle {
    /// The loop this listener runs on.
    public let loop: Loop
    private let pipe: UnsafeMutablePointer<uv_pipe_t>
    private var onConnection: ((PipeStream) -> Void)?
    /// The socket path after a successful `bind`.
    public private(set) var path: String?
    /// True once `close()` has been called.
    public private(set) var isClosed = false

    /// The file mode given to the socket: read and write for the owner only.
    static let socketFileMode: Int32 = 0o600

    /// Creates an unbound listener on `loop`.
    /// - Throws: `LoopError` if libuv cannot create the handle.
    public init(loop: Loop) throws {
        let pipe = try HandleMemory.make(uv_pipe_t(), operation: "pipe init") { uv_pipe_init(loop.raw, $0, 0) }
        self.loop = loop
        self.pipe = pipe
        HandleMemory.attach(self, to: HandleMemory.handle(pipe))
    }

    /// Creates the socket file at `path` and restricts it to mode 0600.
    /// - Throws: `LoopError`: `EADDRINUSE` when the file already exists (a stale socket from a
    ///   crashed daemon must be removed by the caller, who knows whether it is stale),
    ///   `ENAMETOOLONG` for paths longer than a socket address holds, or a chmod failure.
    public func bind(path: String) throws {
        precondition(!isClosed, "PipeListener.bind after close")
        try PipePath.check(path, operation: "bind")
        try LoopError.check(uv_pipe_bind(pipe, path), "bind \(path)")
        self.path = path
        // uv_pipe_chmod can only add permissions for everyone, so set the mode with a
        // synchronous uv_fs_chmod (no callback: runs on this thread, a local metadata change).
        var request = uv_fs_t()
        let status = uv_fs_chmod(loop.raw, &request, path, PipeListener.socketFileMode, nil)
        uv_fs_req_cleanup(&request)
        try LoopError.check(status, "chmod \(path)")
    }

    /// Starts accepting; `onConnection` receives each connection, which the callee owns and must
    /// close. A connection that fails while being accepted is skipped silently.
    /// - Throws: `LoopError` when the socket cannot listen.
    public func listen(backlog: Int32 = 128, onConnection: @escaping (PipeStream) -> Void) throws {
        precondition(!isClosed, "PipeListener.listen after close")
        self.onConnection = onConnection
        let status = uv_listen(HandleMemory.stream(pipe), backlog) { server, status in
            let owner: PipeListener = HandleMemory.owner(ofStream: server)
            owner.accept(status)
        }
        try LoopError.check(status, "listen \(path ?? "(unbound)")")
    }

    private func accept(_ status: Int32) {
        guard status == 0, !isClosed else { return }
        let client = PipeStream(loop: loop)
        guard uv_accept(HandleMemory.stream(pipe), client.stream) == 0 else {
            client.close()
            return
        }
        client.label = path
        let onConnection = self.onConnection
        onConnection?(client)
    }

    /// Stops listening; libuv unlinks the socket file. Idempotent.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        HandleMemory.close(HandleMemory.handle(pipe))
    }

    func handleDidClose() {
        onConnection = nil
    }
}
