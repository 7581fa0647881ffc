import FerryCore
import FerryLoop

/// LAN beacons over UDP multicast (docs/PROTOCOL.md §Beacons). On when discovery is on and the node
/// listens on an address others can reach (not loopback): a beacon says "dial me at this port of the
/// address this datagram came from".
extension Node {
    /// The IPv4 multicast group and port every node beacons to and listens on.
    static let beaconGroup = "239.255.70.77"
    static let beaconPort: UInt16 = 7171

    /// Opens the beacon socket if beacons make sense here; a failure only turns beacons off.
    func openBeacons() {
        core.discoveryEnabled = config.discovery
        guard config.discovery, let listen = listenEndpoint, !Self.isLoopback(listen.host), !listen.host.contains(":") else { return }
        do {
            let socket = try UDPSocket(loop: loop)
            beaconSocket = socket
            try socket.bind(host: "0.0.0.0", port: Self.beaconPort, reuseAddress: true)
            let interface = listen.host == "0.0.0.0" ? nil : listen.host
            try socket.joinMulticastGroup(Self.beaconGroup, interface: interface)
            if let interface { try socket.setMulticastInterface(interface) }
            try socket.setMulticastTTL(1)
            // Several nodes on one host hear each other (their own beacons are recognised and skipped).
            try socket.setMulticastLoopback(true)
            try socket.startReceiving { [weak self] bytes, sender in
                guard let self else { return }
                self.perform(self.core.beaconReceived(bytes, from: Self.host(of: sender), now: self.now()))
            }
            core.beaconsEnabled = true
            logger.info("beacons on \(Self.beaconGroup):\(Self.beaconPort)")
        } catch {
            logger.warning("LAN beacons are off: \(error)")
            beaconSocket?.close()
            beaconSocket = nil
        }
    }

    /// Multicasts a beacon the core made.
    func sendBeacon(_ bytes: [UInt8]) {
        beaconSocket?.send(bytes, to: Self.beaconGroup, port: Self.beaconPort)
    }

    static func isLoopback(_ host: String) -> Bool {
        host.hasPrefix("127.") || host == "::1" || host == "localhost"
    }

    /// `host:port` → host.
    static func host(of endpoint: String) -> String {
        guard let colon = endpoint.lastIndex(of: ":") else { return endpoint }
        return String(endpoint[..<colon])
    }
}
