import CLibUV

/// Delivers a Unix signal (SIGINT, SIGTERM, SIGHUP, …) as a callback on the loop thread.
///
/// libuv's own signal handler only writes to a pipe, so the callback runs as ordinary loop code and
/// may do anything. Loop-confined and not `Sendable`; close it exactly once (extra calls are ignored).
public final class Signal: LoopHandle {
    /// The loop this handle runs on.
    public let loop: Loop
    private let handle: UnsafeMutablePointer<uv_signal_t>
    private var callback: ((Int32) -> Void)?
    /// True once `close()` has been called.
    public private(set) var isClosed = false

    /// Creates a signal handle on `loop` that watches nothing yet.
    /// - Throws: `LoopError` if libuv cannot set up its signal pipe.
    public init(loop: Loop) throws {
        let handle = try HandleMemory.make(uv_signal_t(), operation: "signal init") { uv_signal_init(loop.raw, $0) }
        self.loop = loop
        self.handle = handle
        HandleMemory.attach(self, to: HandleMemory.handle(handle))
    }

    /// Watches `signal`; `callback` receives the signal number each time it is delivered.
    /// Calling it again switches to another signal.
    /// - Throws: `LoopError` (e.g. `EINVAL`) for a signal that cannot be caught.
    public func start(signal: Int32, _ callback: @escaping (Int32) -> Void) throws {
        precondition(!isClosed, "Signal.start after close")
        self.callback = callback
        let status = uv_signal_start(handle, { signalHandle, number in
            let owner: Signal = HandleMemory.owner(of: HandleMemory.handle(signalHandle!))
            let callback = owner.callback
            callback?(number)
        }, signal)
        try LoopError.check(status, "watch signal \(signal)")
    }

    /// Stops watching; the signal's default disposition applies again.
    public func stop() {
        guard !isClosed else { return }
        uv_signal_stop(handle)
    }

    /// Closes the handle; idempotent.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        HandleMemory.close(HandleMemory.handle(handle))
    }

    func handleDidClose() {
        callback = nil
    }
}
