import CLibUV

/// A network interface and its IP addresses, as `getifaddrs` reports them, for choosing where
/// multicast goes (LAN beacons). Plain values, so a caller's choice can be tested with made-up ones.
public struct NetworkInterface: Sendable, Equatable {
    /// The interface name, `eth0`; what an IPv6 scope names (`fe80::1%eth0`).
    public var name: String
    /// The kernel's index for it (stable while the interface exists; a new one after re-creation).
    public var index: UInt32
    /// Administratively up (`IFF_UP`).
    public var isUp: Bool
    /// Operationally up, with carrier (`IFF_RUNNING`).
    public var isRunning: Bool
    /// Takes multicast (`IFF_MULTICAST`); tunnels often do not.
    public var supportsMulticast: Bool
    /// The loopback interface (`IFF_LOOPBACK`).
    public var isLoopback: Bool
    /// Its IPv4 and IPv6 addresses in canonical text (`IPLiteral.canonical`), link-local IPv6 ones
    /// with their scope (`fe80::1%eth0`).
    public var addresses: [String]

    public init(
        name: String, index: UInt32, isUp: Bool, isRunning: Bool, supportsMulticast: Bool, isLoopback: Bool,
        addresses: [String]
    ) {
        self.name = name
        self.index = index
        self.isUp = isUp
        self.isRunning = isRunning
        self.supportsMulticast = supportsMulticast
        self.isLoopback = isLoopback
        self.addresses = addresses
    }

    /// The interfaces of this host (of its network namespace), in the order the kernel lists them.
    /// - Throws: `LoopError` when `getifaddrs` fails (out of memory, no sockets).
    public static func all() throws(LoopError) -> [NetworkInterface] {
        var list: UnsafeMutablePointer<ifaddrs>?
        try LoopError.check(ferry_uv_getifaddrs(&list), "list network interfaces")
        defer { freeifaddrs(list) }
        var interfaces: [NetworkInterface] = []
        var entry = list
        // The list is the kernel's, finite; the bound only guards against a corrupt one.
        var steps = 0
        while let current = entry, steps < interfaceAddressesMax {
            steps += 1
            entry = current.pointee.ifa_next
            guard let cName = current.pointee.ifa_name else { continue }
            let name = String(cString: cName)
            let address = current.pointee.ifa_addr.flatMap { SocketAddress.name(of: UnsafePointer($0))?.host }
            if let at = interfaces.firstIndex(where: { $0.name == name }) {
                if let address, !interfaces[at].addresses.contains(address) { interfaces[at].addresses.append(address) }
                continue
            }
            let flags = ferry_uv_interface_flags(current.pointee.ifa_flags)
            interfaces.append(NetworkInterface(
                name: name, index: if_nametoindex(cName), isUp: flags & 1 != 0, isRunning: flags & 2 != 0,
                supportsMulticast: flags & 4 != 0, isLoopback: flags & 8 != 0, addresses: address.map { [$0] } ?? []))
        }
        return interfaces
    }

    /// The most `getifaddrs` entries read: far above any real host (an entry per address).
    static let interfaceAddressesMax = 65_536
}
