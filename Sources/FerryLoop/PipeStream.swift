import CLibUV

/// A Unix domain socket connection: made by `PipeStream.connect` or accepted by a `PipeListener`.
///
/// Loop-confined and not `Sendable`; see `LoopStream` for reading, writing and closing.
public final class PipeStream: LoopStream {
    private let pipe: UnsafeMutablePointer<uv_pipe_t>

    /// A fresh, unconnected pipe handle on `loop`.
    init(loop: Loop) {
        let pipe = UnsafeMutablePointer<uv_pipe_t>.allocate(capacity: 1)
        pipe.initialize(to: uv_pipe_t())
        // uv_pipe_init only fills in the struct; it has no failure path.
        let status = uv_pipe_init(loop.raw, pipe, 0)
        precondition(status == 0, "uv_pipe_init: \(status)")
        self.pipe = pipe
        super.init(loop: loop, stream: HandleMemory.stream(pipe))
    }

    /// Connects to the Unix socket at `path`. `callback` runs exactly once from the loop, with the
    /// connected stream or the error (e.g. `connect /x.sock: no such file or directory`).
    /// - Returns: the connecting stream, so a caller can give up early by closing it.
    @discardableResult
    public static func connect(loop: Loop, path: String, _ callback: @escaping (Result<PipeStream, LoopError>) -> Void) -> PipeStream {
        let stream = PipeStream(loop: loop)
        stream.label = path
        let pipe = stream.pipe
        stream.beginConnect({ error in
            callback(error.map { .failure($0) } ?? .success(stream))
        }, start: { request, connected throws(LoopError) in
            try PipePath.check(path, operation: "connect")
            uv_pipe_connect(request, pipe, path, connected)
            return 0
        })
        return stream
    }
}

/// Unix socket path rules shared by connect and bind.
enum PipePath {
    /// Rejects paths that do not fit in `sun_path`: libuv 1.44 would silently truncate them and
    /// bind or connect to a different file.
    static func check(_ path: String, operation: String) throws(LoopError) {
        if path.utf8.count > ferry_uv_pipe_path_bytes_max() {
            throw LoopError(code: UV_ENAMETOOLONG.rawValue, operation: "\(operation) \(path)")
        }
    }
}
