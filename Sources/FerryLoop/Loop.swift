import CLibUV

/// One libuv event loop: the single thread of a Ferry process runs it and everything on it.
///
/// `Loop` and every handle made on it are loop-confined and deliberately not `Sendable`: use them
/// only on the thread that calls `run()`. Handles keep their loop alive, so a `Loop` is freed only
/// after its last handle has finished closing.
public final class Loop {
    /// The heap-allocated libuv loop; never exposed outside FerryLoop.
    let raw: UnsafeMutablePointer<uv_loop_t>
    /// One receive buffer shared by every stream on this loop. libuv calls the read callback right
    /// after the allocation callback and streams copy the bytes out before returning, so a single
    /// buffer is never used by two reads at once.
    let readBuffer: UnsafeMutableRawBufferPointer
    private var isRunning = false
    private var isLoopClosed = false

    /// Bytes the shared read buffer holds; one read callback delivers at most this many.
    static let readBufferBytesMax = 64 * 1024

    /// Initialises a new event loop.
    /// - Throws: `LoopError` when libuv cannot set up the loop (e.g. out of file descriptors).
    public init() throws {
        raw = .allocate(capacity: 1)
        let status = uv_loop_init(raw)
        guard status == 0 else {
            raw.deallocate()
            throw LoopError(code: status, operation: "loop init")
        }
        readBuffer = .allocate(byteCount: Loop.readBufferBytesMax, alignment: 16)
    }

    deinit {
        // A loop that was never closed can still be freed if nothing is left on it. If libuv
        // refuses, leaking is the only memory-safe choice: its memory may still be referenced.
        if !isLoopClosed && uv_loop_close(raw) == 0 {
            raw.deallocate()
            readBuffer.deallocate()
        }
    }

    /// Runs the loop until there are no active handles or requests, or until `stop()` is called.
    public func run() {
        runLoop(UV_RUN_DEFAULT)
    }

    /// Runs one loop iteration. With `nowait` false it blocks until at least one event arrives (when
    /// anything is active); with `nowait` true it only handles what is ready. Meant for tests.
    /// - Returns: true when there are still active handles or requests.
    @discardableResult
    public func runOnce(nowait: Bool) -> Bool {
        runLoop(nowait ? UV_RUN_NOWAIT : UV_RUN_ONCE)
    }

    @discardableResult
    private func runLoop(_ mode: uv_run_mode) -> Bool {
        precondition(!isLoopClosed, "run on a closed Loop")
        precondition(!isRunning, "Loop.run is not reentrant: called from a loop callback")
        isRunning = true
        defer { isRunning = false }
        return uv_run(raw, mode) != 0
    }

    /// Makes `run()` return at the end of the current iteration.
    public func stop() {
        uv_stop(raw)
    }

    /// The loop's cached monotonic time in milliseconds, updated at the start of each iteration.
    /// Timers are measured against it.
    public var nowMilliseconds: UInt64 {
        uv_now(raw)
    }

    /// Refreshes `nowMilliseconds` from the clock, for code that ran long inside one iteration.
    public func updateTime() {
        uv_update_time(raw)
    }

    /// The number of handles on this loop that are open and not yet closing.
    /// Tests assert it is 0 at the end, as libuv's own tests do.
    public var openHandleCount: Int {
        var count = 0
        withUnsafeMutablePointer(to: &count) { counter in
            uv_walk(raw, { handle, argument in
                guard let handle, let argument, uv_is_closing(handle) == 0 else { return }
                argument.assumingMemoryBound(to: Int.self).pointee += 1
            }, counter)
        }
        return count
    }

    /// Closes every open handle on this loop, for an orderly shutdown; run the loop afterwards so
    /// the close callbacks fire, then call `close()`.
    public func closeAllHandles() {
        // Collect first: closing while uv_walk iterates is allowed by libuv, but calling into our
        // objects outside the walk keeps the C callback trivial.
        var owners: [LoopHandle] = []
        withUnsafeMutablePointer(to: &owners) { list in
            uv_walk(raw, { handle, argument in
                guard let handle, let argument, uv_is_closing(handle) == 0,
                      let owner = HandleMemory.ownerIfAny(of: handle) else { return }
                argument.assumingMemoryBound(to: [LoopHandle].self).pointee.append(owner)
            }, list)
        }
        for owner in owners {
            owner.close()
        }
    }

    /// Releases the loop's resources.
    /// - Throws: `LoopError` with code `EBUSY` while handles are open or still closing; close them
    ///   and run the loop first. The loop stays usable after a failed close.
    public func close() throws {
        precondition(!isLoopClosed, "Loop closed twice")
        try LoopError.check(uv_loop_close(raw), "close loop")
        isLoopClosed = true
        raw.deallocate()
        readBuffer.deallocate()
    }
}
