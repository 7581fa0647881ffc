import FerryCore
import FerryLoop

/// LAN beacons over UDP multicast (docs/PROTOCOL.md §Beacons). On when discovery is on and the node
/// listens on an address others can reach (not loopback): a beacon says "dial me at this port of the
/// address this datagram came from". IPv4 beacons go to one group; IPv6 ones to a link-local group
/// on each link (`IPv6Beacons`); `BeaconPlan` says which the listen address allows.
extension Node {
    /// The IPv4 multicast group every node beacons to and listens on.
    static let beaconGroup = "239.255.70.77"
    /// The port of both groups.
    static let beaconPort: UInt16 = 7171

    /// Opens the beacon sockets the listen address allows; a failure only turns that family off.
    func openBeacons() {
        core.discoveryEnabled = config.discovery
        guard config.discovery, let listen = listenEndpoint else { return }
        let host = (try? IPLiteral.canonical(listen.host)) ?? listen.host
        let plan = BeaconPlan(listenHost: host)
        var ipv4Failure: Error?
        if plan.ipv4 {
            do {
                try openIPv4Beacons(interface: plan.ipv4Interface)
            } catch {
                ipv4Failure = error
                beaconSocket?.close()
                beaconSocket = nil
            }
        }
        if plan.ipv6 != nil {
            do {
                ipv6Beacons = try IPv6Beacons(
                    loop: loop, plan: plan, port: Self.beaconPort, listenHost: host, logger: logger
                ) { [weak self] bytes, sender in
                    guard let self else { return }
                    self.perform(self.core.beaconReceived(bytes, from: Self.host(of: sender), now: self.now()))
                }
            } catch {
                logger.warning("IPv6 LAN beacons are off: \(error)")
            }
        }
        if let ipv4Failure {
            // On `::` with no IPv4 on the LAN, IPv6 beacons are the way: worth a line, not a warning.
            if ipv6Beacons != nil {
                logger.info("IPv4 LAN beacons are off: \(ipv4Failure)")
            } else {
                logger.warning("IPv4 LAN beacons are off: \(ipv4Failure)")
            }
        }
        core.beaconsEnabled = beaconSocket != nil || ipv6Beacons != nil
    }

    private func openIPv4Beacons(interface: String?) throws {
        let socket = try UDPSocket(loop: loop)
        beaconSocket = socket
        try socket.bind(host: "0.0.0.0", port: Self.beaconPort, reuseAddress: true)
        try socket.joinMulticastGroup(Self.beaconGroup, interface: interface)
        if let interface { try socket.setMulticastInterface(interface) }
        try socket.setMulticastTTL(1)
        // Several nodes on one host hear each other (their own beacons are recognised and skipped).
        try socket.setMulticastLoopback(true)
        try socket.startReceiving { [weak self] bytes, sender in
            guard let self else { return }
            self.perform(self.core.beaconReceived(bytes, from: Self.host(of: sender), now: self.now()))
        }
        logger.info("beacons on \(Self.beaconGroup):\(Self.beaconPort)")
    }

    /// Multicasts a beacon the core made, on every family and link there is.
    func sendBeacon(_ bytes: [UInt8]) {
        beaconSocket?.send(bytes, to: Self.beaconGroup, port: Self.beaconPort)
        ipv6Beacons?.send(bytes)
    }

    /// Datagrams the beacon sockets dropped as too long to be beacons.
    var beaconDatagramsDropped: Int {
        (beaconSocket?.droppedDatagramCount ?? 0) + (ipv6Beacons?.droppedDatagramCount ?? 0)
    }

    func closeBeacons() {
        beaconSocket?.close()
        ipv6Beacons?.close()
    }

    /// `host:port` or `[host]:port` (as the socket reports a sender) → host, with an IPv6 scope kept.
    static func host(of endpoint: String) -> String {
        (try? Endpoint(parsing: endpoint))?.host ?? endpoint
    }
}
