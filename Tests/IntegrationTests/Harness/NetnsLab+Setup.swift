import Foundation

/// Bringing a lab up: the `ip` commands, in an order where each step only needs the ones before.
extension NetnsLab {
    func build() throws {
        try addNamespace(naming.switchNamespace)
        for host in hostNumbers { try addNamespace(naming.hostNamespace(host)) }
        try configureDefaults()
        try buildSwitch()
        for host in hostNumbers { try attach(host) }
        for host in hostNumbers { try configure(host) }
    }

    /// Before any link exists, so new interfaces take these defaults. Hosts: no IPv6
    /// duplicate-address detection, so link-local addresses are usable at once instead of about a
    /// second later. Switch: no IPv6 on the bridge or its ports; it only forwards frames and
    /// stays silent.
    private func configureDefaults() throws {
        guard hasIPv6 else { return }
        try NetnsTool.shell(in: naming.switchNamespace, Self.sysctlScript([("ipv6", "disable_ipv6", 1)]))
        // An IPv6-only lab turns IPv6 on explicitly: a host whose namespace inherited it off would
        // have no address at all.
        let settings: [(String, String, Int)] = hasIPv4 ? [("ipv6", "accept_dad", 0)] : [("ipv6", "disable_ipv6", 0), ("ipv6", "accept_dad", 0)]
        for host in hostNumbers {
            try NetnsTool.shell(in: naming.hostNamespace(host), Self.sysctlScript(settings))
        }
    }

    /// Writes net.FAMILY.conf.{all,default}.KEY = VALUE for each setting, in the namespace it runs in.
    private static func sysctlScript(_ settings: [(family: String, key: String, value: Int)]) -> String {
        settings.flatMap { family, key, value in
            ["all", "default"].map { "echo \(value) > /proc/sys/net/\(family)/conf/\($0)/\(key)" }
        }.joined(separator: " && ")
    }

    /// The bridge floods multicast to every port (snooping off: no querier, no IGMP/MLD state to
    /// wait for) and forwards at once (no spanning tree).
    private func buildSwitch() throws {
        let sw = naming.switchNamespace
        try NetnsTool.ip(["-n", sw, "link", "add", naming.bridge, "type", "bridge", "stp_state", "0", "mcast_snooping", "0"])
        try NetnsTool.ip(["-n", sw, "link", "set", naming.bridge, "up"])
    }

    /// A veth pair made in the switch, its peer created straight into the host's namespace.
    private func attach(_ host: Int) throws {
        let sw = naming.switchNamespace
        let port = naming.switchPort(host)
        try NetnsTool.ip(["-n", sw, "link", "add", port, "type", "veth", "peer", "name", naming.hostInterface(host), "netns", naming.hostNamespace(host)])
        try NetnsTool.ip(["-n", sw, "link", "set", port, "master", naming.bridge, "up"])
    }

    private func configure(_ host: Int) throws {
        let ns = naming.hostNamespace(host)
        let interface = naming.hostInterface(host)
        try NetnsTool.ip(["-n", ns, "link", "set", "lo", "up"])
        if hasIPv4 {
            try NetnsTool.ip(["-n", ns, "addr", "add", "\(naming.address(host))/\(NetnsNaming.addressPrefixBits)", "dev", interface])
        }
        try NetnsTool.ip(["-n", ns, "link", "set", interface, "up"])
        // No default route: without this, IPv4 multicast has no way out.
        if hasIPv4 { try NetnsTool.ip(["-n", ns, "route", "add", "224.0.0.0/4", "dev", interface]) }
    }

    /// Waits until every host's link is up with carrier and, with IPv6, has a link-local address
    /// that is not tentative.
    func waitUntilReady() throws {
        try waitUntil("every host link of lab \(naming.runID) is up", seconds: NetnsLimits.readySecondsMax) {
            try hostNumbers.allSatisfy(isReady)
        }
    }

    /// Host `host`'s link has carrier (operstate UP) and, with IPv6, a usable link-local address.
    func isReady(_ host: Int) throws -> Bool {
        let ns = naming.hostNamespace(host)
        let interface = naming.hostInterface(host)
        let link = try NetnsTool.ip(["-n", ns, "-o", "link", "show", "dev", interface])
        guard link.stdout.contains("state UP") else { return false }
        guard hasIPv6 else { return true }
        let addresses = try NetnsTool.ip(["-n", ns, "-o", "-6", "addr", "show", "dev", interface, "scope", "link"])
        return addresses.stdout.contains("inet6 fe80:") && !addresses.stdout.contains("tentative")
    }
}
