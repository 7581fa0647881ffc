/// IP literals as the sockets read and write them, for modules that cannot import libuv.
public enum IPLiteral {
    /// The text a socket would report for `host`: IPv6 compressed and lowercase, with its scope as
    /// an interface name (`FE80:0::1%2` → `fe80::1%lo` when interface 2 is `lo`), IPv4 dotted.
    /// Two spellings of one address give the same text, so it is the form to compare.
    /// - Throws: `LoopError` like `SocketAddress`: `EINVAL` for text that is not an IP literal,
    ///   `ENODEV` for a scope naming no interface.
    public static func canonical(_ host: String) throws(LoopError) -> String {
        let address = try SocketAddress(host: host, port: 0, operation: "parse")
        guard let name = address.withSockaddr(SocketAddress.name(of:)) else {
            throw LoopError(code: LoopError.Code.invalidArgument, operation: "parse \(host)")
        }
        return name.host
    }

}
