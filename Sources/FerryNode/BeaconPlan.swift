import FerryCore
import FerryLoop

/// Which LAN beacons a listen address allows (docs/PROTOCOL.md §Beacons). A beacon says "dial me at
/// this port of the address this datagram came from", so a family is beaconed only where a node that
/// hears it can dial back: IPv4 for an IPv4 address or `::` (dual stack), IPv6 link-local for `::`
/// or an IPv6 address. Loopback gets none, and `0.0.0.0` no IPv6 (nothing would answer there).
/// Pure, so the choice is tested without sockets.
struct BeaconPlan: Equatable {
    /// Beacon to the IPv4 group.
    var ipv4: Bool
    /// The IPv4 address of the interface IPv4 beacons use; nil leaves it to the kernel's route.
    var ipv4Interface: String?
    /// Beacon to the IPv6 link-local group, and on which links; nil for none.
    var ipv6: IPv6Links?

    /// Where IPv6 beacons go, and so which address they come from.
    enum IPv6Links: Equatable {
        /// Listening on `::`: every link with an IPv6 link-local address, each beacon from that address.
        case everyLink
        /// Listening on one IPv6 address (canonical; with its scope if link-local): the link(s) that
        /// have it, each beacon from that address.
        case address(String)
    }

    init(ipv4: Bool, ipv4Interface: String?, ipv6: IPv6Links?) {
        self.ipv4 = ipv4
        self.ipv4Interface = ipv4Interface
        self.ipv6 = ipv6
    }

    /// The plan for a listen host in canonical form (`IPLiteral.canonical`).
    init(listenHost host: String) {
        self.init(ipv4: false, ipv4Interface: nil, ipv6: nil)
        if host == "::" {
            ipv4 = true
            ipv6 = .everyLink
        } else if host.contains(":") {
            if host != "::1" && !host.hasPrefix("::ffff:") { ipv6 = .address(host) }
        } else if !host.hasPrefix("127.") {
            ipv4 = true
            ipv4Interface = host == "0.0.0.0" ? nil : host
        }
    }

    /// The interfaces IPv6 beacons go out on and are heard on: up, running, multicast-capable, not
    /// loopback, and either with a link-local address (`::`) or holding the listen address (its
    /// scope names the interface when it is link-local).
    func ipv6Interfaces(_ interfaces: [NetworkInterface]) -> [NetworkInterface] {
        guard let ipv6 else { return [] }
        return interfaces.filter { interface in
            guard interface.isUp, interface.isRunning, interface.supportsMulticast, !interface.isLoopback else { return false }
            switch ipv6 {
            case .everyLink:
                return interface.addresses.contains(where: HostText.isIPv6LinkLocal)
            case .address(let host):
                return interface.addresses.contains(host)
            }
        }
    }
}
