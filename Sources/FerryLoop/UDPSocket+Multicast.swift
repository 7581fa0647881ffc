import CLibUV

/// Multicast and broadcast options. Call them after `bind`: before it there is no OS socket, and
/// the options fail with `EBADF`. TTL and loopback apply to IPv4 or IPv6 according to the address
/// family the socket was bound to.
extension UDPSocket {
    /// Joins `group` (an IPv4 or IPv6 multicast literal) so datagrams sent to it arrive here.
    ///
    /// `interface` picks the interface: an IPv4 address of it (`"198.18.0.1"`), or for IPv6 an
    /// address with a scope (`"::%2"`, `"fe80::1%eth0"`); nil lets the kernel choose by route.
    /// To receive the group's datagrams, bind to the group's port on `0.0.0.0`/`::` or on the group
    /// address itself: a socket bound to a unicast address does not see them.
    /// - Throws: `LoopError` naming the group and interface, e.g. `EINVAL` for an address that is
    ///   not a multicast group, `ENODEV` for an interface with no multicast.
    public func joinMulticastGroup(_ group: String, interface: String? = nil) throws {
        try setMembership(group, interface: interface, UV_JOIN_GROUP, "join multicast group")
    }

    /// Leaves a group joined with `joinMulticastGroup` on the same interface.
    /// - Throws: `LoopError` naming the group, e.g. `EADDRNOTAVAIL` when it was not joined.
    public func leaveMulticastGroup(_ group: String, interface: String? = nil) throws {
        try setMembership(group, interface: interface, UV_LEAVE_GROUP, "leave multicast group")
    }

    private func setMembership(_ group: String, interface: String?, _ membership: uv_membership, _ what: String) throws {
        precondition(!isClosed, "UDPSocket multicast membership after close")
        let status = uv_udp_set_membership(udp, group, interface, membership)
        try LoopError.check(status, "\(what) \(group) on \(interface ?? "default interface")")
    }

    /// Whether datagrams this socket sends to a group are also delivered to group members on this
    /// host (on by default in the OS). Several nodes on one machine need it on to see each other.
    /// - Throws: `LoopError` from the socket option.
    public func setMulticastLoopback(_ on: Bool) throws {
        precondition(!isClosed, "UDPSocket option after close")
        try LoopError.check(uv_udp_set_multicast_loop(udp, on ? 1 : 0), operation("set multicast loopback"))
    }

    /// How many routers a multicast datagram may cross: the IPv4 TTL or the IPv6 hop limit.
    /// The OS default is 1, which keeps beacons on the local link; 0 keeps them on this host.
    /// - Throws: `LoopError` from the socket option.
    public func setMulticastTTL(_ hops: UInt8) throws {
        precondition(!isClosed, "UDPSocket option after close")
        try LoopError.check(uv_udp_set_multicast_ttl(udp, Int32(hops)), operation("set multicast ttl \(hops)"))
    }

    /// The interface multicast datagrams leave by, given like `joinMulticastGroup`'s `interface`;
    /// nil goes back to the kernel's choice by route.
    /// - Throws: `LoopError`, e.g. `EINVAL` for text that is not an address,
    ///   `EADDRNOTAVAIL` for an address no interface has.
    public func setMulticastInterface(_ interface: String?) throws {
        precondition(!isClosed, "UDPSocket option after close")
        let status = uv_udp_set_multicast_interface(udp, interface)
        try LoopError.check(status, operation("set multicast interface \(interface ?? "default")"))
    }

    /// Allows sending to broadcast addresses (`SO_BROADCAST`), for LANs where multicast is filtered.
    /// - Throws: `LoopError` from the socket option.
    public func setBroadcast(_ on: Bool) throws {
        precondition(!isClosed, "UDPSocket option after close")
        try LoopError.check(uv_udp_set_broadcast(udp, on ? 1 : 0), operation("set broadcast"))
    }
}
