import CLibUV

/// A libuv check handle: its callback runs once per loop iteration, right after the loop has polled
/// for I/O and run the I/O callbacks.
///
/// Useful for work that must follow a whole batch of I/O callbacks. (The daemon's group commit uses
/// a zero-delay timer instead, because timer callbacks also queue writes; docs/DECISIONS.md.)
/// Loop-confined and not `Sendable`; close it exactly once (extra calls are ignored).
public final class Check: LoopHandle {
    /// The loop this check runs on.
    public let loop: Loop
    private let handle: UnsafeMutablePointer<uv_check_t>
    private var callback: (() -> Void)?
    /// True once `close()` has been called.
    public private(set) var isClosed = false

    /// Creates a stopped check handle on `loop`.
    /// - Throws: `LoopError` if libuv cannot create the handle.
    public init(loop: Loop) throws {
        let handle = try HandleMemory.make(uv_check_t(), operation: "check init") { uv_check_init(loop.raw, $0) }
        self.loop = loop
        self.handle = handle
        HandleMemory.attach(self, to: HandleMemory.handle(handle))
    }

    /// Runs `callback` after the I/O phase of every loop iteration until `stop()` or `close()`.
    /// An active check keeps the loop running, like any active handle.
    public func start(_ callback: @escaping () -> Void) {
        precondition(!isClosed, "Check.start after close")
        self.callback = callback
        let status = uv_check_start(handle) { check in
            let owner: Check = HandleMemory.owner(of: HandleMemory.handle(check!))
            let callback = owner.callback
            callback?()
        }
        precondition(status == 0, "uv_check_start: \(status)")
    }

    /// Stops calling back; `start` may be called again.
    public func stop() {
        guard !isClosed else { return }
        uv_check_stop(handle)
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
