/// What the core needs to know about a host: an IP literal as the driver's sockets write it
/// (`198.18.0.2`, `2001:db8::1`, `fe80::1%eth0` with the scope of a link-local address). The core
/// has no sockets, so it reads the text; the driver always hands over the canonical form.
public enum HostText {
    /// Has an IPv6 scope (`%eth0`): the address names a peer on one link of this machine only.
    public static func isScoped(_ host: String) -> Bool { host.contains("%") }

    /// An IPv6 link-local unicast address (fe80::/10), with or without its scope.
    public static func isIPv6LinkLocal(_ host: String) -> Bool {
        guard let group = firstIPv6Group(host) else { return false }
        return group & 0xffc0 == 0xfe80
    }

    /// Meaningful only on the link it was learnt on: scoped, or IPv6 link-local. Such an endpoint
    /// is dialled here but never told to another node (peer exchange).
    public static func isLinkLocal(_ host: String) -> Bool { isScoped(host) || isIPv6LinkLocal(host) }

    /// A host a peer can be dialled at: not unspecified (`0.0.0.0`, `::`, which would dial this
    /// machine), not multicast, and a link-local IPv6 address only with the scope that says which
    /// link. Where a beacon came from must pass this to be learnt.
    public static func isDialable(_ host: String) -> Bool {
        let address = host.split(separator: "%", maxSplits: 1).first.map(String.init) ?? host
        guard !address.isEmpty, address != "0.0.0.0", address != "::" else { return false }
        if let group = firstIPv6Group(address) {
            if group & 0xff00 == 0xff00 { return false }  // ff00::/8, multicast
            return !isIPv6LinkLocal(address) || isScoped(host)
        }
        guard !isScoped(host), let first = host.split(separator: ".").first.flatMap({ UInt8($0) }) else { return false }
        return !(224...239).contains(first) && host != "255.255.255.255"
    }

    /// An IPv4 peer as a dual-stack listener (`::`) sees it, `::ffff:198.18.0.2`, as plain IPv4;
    /// anything else unchanged.
    public static func unmapped(_ host: String) -> String {
        let prefix = "::ffff:"
        guard host.lowercased().hasPrefix(prefix), host.dropFirst(prefix.count).contains(".") else { return host }
        return String(host.dropFirst(prefix.count))
    }

    /// The first 16-bit group of an IPv6 literal; nil for IPv4 or a first group that is not 1–4 hex digits
    /// (`::1` starts with an empty group, which is 0).
    private static func firstIPv6Group(_ host: String) -> UInt16? {
        guard host.contains(":"), let text = host.split(separator: ":", omittingEmptySubsequences: false).first else { return nil }
        if text.isEmpty { return 0 }
        guard text.count <= 4 else { return nil }
        return UInt16(text, radix: 16)
    }
}
