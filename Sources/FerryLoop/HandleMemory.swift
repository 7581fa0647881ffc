import CLibUV

/// What every FerryLoop handle object gives the shared close path.
///
/// All handles share one close callback (`handleClosed`), so `Loop.closeAllHandles()` can close any
/// of them through `close()`, and the rules of STYLE.md (retain in `data`, release and free only in
/// the close callback) live in one place.
protocol LoopHandle: AnyObject {
    /// Starts closing the handle; idempotent.
    func close()
    /// Called exactly once from the close callback, after libuv has cancelled pending requests and
    /// before the handle memory is freed. Implementations deliver final callbacks and drop every
    /// stored closure so that closures capturing the object cannot keep it alive.
    func handleDidClose()
}

/// The lifetime rules for heap-allocated libuv handles.
enum HandleMemory {
    /// Allocates a handle on the heap, starting from `zero`, and runs its `uv_*_init`; the memory is
    /// freed here if that fails, otherwise in the close callback.
    static func make<T>(
        _ zero: T, operation: String, _ initialize: (UnsafeMutablePointer<T>) -> Int32
    ) throws -> UnsafeMutablePointer<T> {
        let handle = UnsafeMutablePointer<T>.allocate(capacity: 1)
        handle.initialize(to: zero)
        let status = initialize(handle)
        guard status == 0 else {
            handle.deallocate()
            throw LoopError(code: status, operation: operation)
        }
        return handle
    }

    /// Views any libuv handle struct as the generic `uv_handle_t` it starts with.
    static func handle<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_handle_t> {
        UnsafeMutablePointer<uv_handle_t>(OpaquePointer(pointer))
    }

    /// Views a TCP or pipe handle as the `uv_stream_t` it starts with.
    static func stream<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_stream_t> {
        UnsafeMutablePointer<uv_stream_t>(OpaquePointer(pointer))
    }

    /// Stores a retained reference to `owner` in the handle's `data`, so the object lives at least as
    /// long as libuv may call back into it. The matching release is in `handleClosed`.
    static func attach(_ owner: LoopHandle, to handle: UnsafeMutablePointer<uv_handle_t>) {
        precondition(handle.pointee.data == nil, "handle already has an owner")
        handle.pointee.data = Unmanaged<AnyObject>.passRetained(owner).toOpaque()
    }

    /// The object that owns `handle`, without touching its retain count. Only valid until the
    /// close callback has run, which libuv guarantees for every callback it makes.
    static func owner<Owner: AnyObject>(of handle: UnsafeMutablePointer<uv_handle_t>?, as _: Owner.Type = Owner.self) -> Owner {
        guard let data = handle?.pointee.data else {
            preconditionFailure("libuv callback on a handle without an owner")
        }
        return Unmanaged<AnyObject>.fromOpaque(data).takeUnretainedValue() as! Owner
    }

    /// Same as `owner(of:)` for a stream handle, which is what request callbacks carry.
    static func owner<Owner: AnyObject>(ofStream stream: UnsafeMutablePointer<uv_stream_t>?, as _: Owner.Type = Owner.self) -> Owner {
        owner(of: UnsafeMutablePointer<uv_handle_t>(OpaquePointer(stream)))
    }

    /// The owner if this handle was made by FerryLoop, for walking a loop's handles.
    static func ownerIfAny(of handle: UnsafeMutablePointer<uv_handle_t>) -> LoopHandle? {
        guard let data = handle.pointee.data else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(data).takeUnretainedValue() as? LoopHandle
    }

    /// Asks libuv to close the handle; memory and the owner's retain go away in `handleClosed`.
    /// Callers keep their own "already closed" flag: `uv_close` twice is undefined behaviour.
    static func close(_ handle: UnsafeMutablePointer<uv_handle_t>) {
        precondition(uv_is_closing(handle) == 0, "handle closed twice")
        uv_close(handle, handleClosed)
    }
}

/// The one close callback: last words to the owner, release the retain from `attach`, free memory.
private func handleClosed(_ handle: UnsafeMutablePointer<uv_handle_t>?) {
    guard let handle, let data = handle.pointee.data else {
        preconditionFailure("close callback on a handle without an owner")
    }
    let owner = Unmanaged<AnyObject>.fromOpaque(data)
    handle.pointee.data = nil
    (owner.takeUnretainedValue() as! LoopHandle).handleDidClose()
    owner.release()
    // Allocated as the concrete uv_*_t type; Swift's deallocate does not depend on the pointee type.
    UnsafeMutableRawPointer(handle).deallocate()
}
