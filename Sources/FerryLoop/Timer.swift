import CLibUV

/// A libuv timer: calls back after a delay measured on the loop's monotonic clock, once or repeating.
///
/// Loop-confined and not `Sendable`. The loop keeps the timer alive until `close()` completes, even
/// if you drop your reference, so every timer must be closed exactly once (extra calls are ignored).
public final class Timer: LoopHandle {
    /// The loop this timer runs on.
    public let loop: Loop
    private let handle: UnsafeMutablePointer<uv_timer_t>
    private var callback: (() -> Void)?
    /// True once `close()` has been called.
    public private(set) var isClosed = false

    /// Creates a stopped timer on `loop`.
    /// - Throws: `LoopError` if libuv cannot create the handle.
    public init(loop: Loop) throws {
        let handle = try HandleMemory.make(uv_timer_t(), operation: "timer init") { uv_timer_init(loop.raw, $0) }
        self.loop = loop
        self.handle = handle
        HandleMemory.attach(self, to: HandleMemory.handle(handle))
    }

    /// Arms the timer: `callback` runs after `afterMilliseconds`, then every `repeatMilliseconds` if
    /// that is non-zero. Starting an armed timer re-arms it with the new callback.
    public func start(afterMilliseconds: UInt64, repeatMilliseconds: UInt64 = 0, _ callback: @escaping () -> Void) {
        precondition(!isClosed, "Timer.start after close")
        self.callback = callback
        let status = uv_timer_start(handle, { timer in
            let owner: Timer = HandleMemory.owner(of: HandleMemory.handle(timer!))
            owner.fire()
        }, afterMilliseconds, repeatMilliseconds)
        // uv_timer_start fails only for a closing handle, which the precondition above rules out.
        precondition(status == 0, "uv_timer_start: \(status)")
    }

    private func fire() {
        // Copy first: the callback may restart or close this timer, replacing or dropping it.
        let callback = self.callback
        callback?()
    }

    /// Lets the loop end while this timer is still armed: a deadline for a shutdown must not itself
    /// keep the loop running once everything else has closed.
    public func unref() {
        guard !isClosed else { return }
        uv_unref(HandleMemory.handle(handle))
    }

    /// Disarms the timer; it can be started again.
    public func stop() {
        guard !isClosed else { return }
        uv_timer_stop(handle)
    }

    /// Closes the timer; idempotent. The callback will not run again.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        HandleMemory.close(HandleMemory.handle(handle))
    }

    func handleDidClose() {
        callback = nil
    }
}

/// Another name for `FerryLoop.Timer` for files that also import Foundation, where a bare `Timer`
/// is ambiguous with `Foundation.Timer`.
public typealias LoopTimer = Timer
