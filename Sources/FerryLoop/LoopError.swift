import CLibUV

/// An error reported by the operating system through libuv, with the operation that failed.
///
/// Errors a peer, the network or the OS can cause arrive as `LoopError` values, never as crashes, so
/// callers can close one link or refuse one request and keep the node running. The description
/// reads like `bind 127.0.0.1:4000: address already in use`.
public struct LoopError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The negative libuv error code (for example `LoopError.Code.addressInUse`).
    public let code: Int32
    /// What was being done, with its target when there is one: `"bind 127.0.0.1:4000"`, `"write"`.
    public let operation: String

    /// Makes an error from a libuv status code and a short description of the operation.
    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// libuv's human-readable text for the code, e.g. "connection refused".
    public var message: String {
        String(cString: uv_strerror(code))
    }

    /// libuv's symbolic name for the code, e.g. "EADDRINUSE"; stable across platforms, good for logs.
    public var name: String {
        String(cString: uv_err_name(code))
    }

    /// `"<operation>: <message>"`.
    public var description: String {
        "\(operation): \(message)"
    }

    /// True when a request was abandoned because its handle was closed (`ECANCELED`).
    public var isCancellation: Bool {
        code == Code.cancelled
    }

    /// The libuv error codes other modules need to tell apart; they cannot import libuv themselves.
    public enum Code {
        /// `EADDRINUSE`: another socket holds the address.
        public static let addressInUse: Int32 = UV_EADDRINUSE.rawValue
        /// `ECONNREFUSED`: nothing listens at the address.
        public static let connectionRefused: Int32 = UV_ECONNREFUSED.rawValue
        /// `ECONNRESET`: the peer reset the connection.
        public static let connectionReset: Int32 = UV_ECONNRESET.rawValue
        /// `ECANCELED`: the request was cancelled because its handle was closed.
        public static let cancelled: Int32 = UV_ECANCELED.rawValue
        /// `EPIPE`: writing to a connection the peer has closed.
        public static let brokenPipe: Int32 = UV_EPIPE.rawValue
        /// `EINVAL`: an argument was not valid, e.g. a host that is not an IP literal.
        public static let invalidArgument: Int32 = UV_EINVAL.rawValue
        /// `ENODEV`: no such interface, e.g. an IPv6 scope naming none (`fe80::1%eth9`).
        public static let noSuchDevice: Int32 = UV_ENODEV.rawValue
        /// `EBUSY`: the loop still has open handles or pending requests.
        public static let busy: Int32 = UV_EBUSY.rawValue
        /// `EOF`: end of stream; never reported as an error by `LoopStream`, listed for completeness.
        public static let endOfFile: Int32 = UV_EOF.rawValue
    }
}

extension LoopError {
    /// Throws a `LoopError` when `status` is a libuv failure (negative), returns it otherwise.
    @discardableResult
    static func check(_ status: Int32, _ operation: @autoclosure () -> String) throws(LoopError) -> Int32 {
        if status < 0 {
            throw LoopError(code: status, operation: operation())
        }
        return status
    }
}
