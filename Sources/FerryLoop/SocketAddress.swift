import CLibUV

/// An IPv4 or IPv6 socket address parsed from text, kept in C form for libuv calls.
///
/// IPv6 addresses may carry a scope, the interface a link-local address belongs to: parsed from
/// `fe80::1%eth0` or `fe80::1%2` (name or index) and written back as `fe80::1%eth0` (the name, or
/// the index if the interface is gone), so an address read from a socket can be dialled again.
struct SocketAddress {
    private var storage = sockaddr_storage()
    /// `host:port`, or `[host]:port` for IPv6, for error messages.
    let text: String

    /// Parses an IP literal: IPv6 when `host` contains ':', IPv4 otherwise. Names are not resolved:
    /// DNS would block the loop thread, so resolving is the caller's job.
    /// - Throws: `LoopError` `EINVAL` for text that is not an IP literal (or an empty scope, or a
    ///   scope on IPv4), `ENODEV` for a scope that names no interface.
    init(host: String, port: UInt16, operation: String) throws(LoopError) {
        text = SocketAddress.format(host: host, port: port)
        let status = ferry_uv_parse_address(host, Int32(port), &storage)
        try LoopError.check(status, "\(operation) \(text)")
    }

    /// Runs `body` with the `const struct sockaddr *` libuv wants.
    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>) -> Result) -> Result {
        withUnsafePointer(to: storage) { body(ferry_uv_sockaddr($0)) }
    }

    /// `host:port`, bracketing IPv6 hosts so the port stays unambiguous.
    static func format(host: String, port: UInt16) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Reads a socket address with `uv_tcp_getsockname`-style `fill` and returns (host, port),
    /// or nil if the call fails or the family is not IP.
    static func read(_ fill: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<Int32>) -> Int32) -> (host: String, port: UInt16)? {
        var storage = sockaddr_storage()
        var length = ferry_uv_sockaddr_storage_size()
        let status = withUnsafeMutablePointer(to: &storage) { fill(ferry_uv_sockaddr_mutable($0), &length) }
        guard status == 0 else { return nil }
        return withUnsafePointer(to: storage) { name(of: ferry_uv_sockaddr($0)) }
    }

    /// The numeric (host, port) of an IPv4 or IPv6 socket address, or nil for any other family. A
    /// scoped IPv6 address (link-local) comes with its scope: `fe80::1%eth0`.
    static func name(of address: UnsafePointer<sockaddr>) -> (host: String, port: UInt16)? {
        // INET6_ADDRSTRLEN is 46, plus '%' and an interface name of at most 15: 64 holds it all.
        var name = [CChar](repeating: 0, count: 64)
        var port: UInt16 = 0
        guard ferry_uv_sockaddr_name(address, &name, name.count, &port) == 0 else { return nil }
        let host = name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return (String(decoding: host, as: UTF8.self), port)
    }
}
