import FerryCore
import FerryLoop
import Logging

/// IPv6 link-local LAN beacons (docs/PROTOCOL.md §Beacons): one socket bound to `[::]:7171` (IPv6
/// only, shared with other nodes on the host) hears the group on every link the plan allows; another,
/// bound to the listen address, sends, so a beacon's source is an address the node takes links at.
/// A link-local sender is heard with its scope (`fe80::1%eth0`), so the core can dial it back.
///
/// Links come and go (Wi-Fi, cables, VPNs): the interfaces are read again before every beacon,
/// the group is joined on new links, and gone ones are forgotten. Loop-confined, not `Sendable`.
final class IPv6Beacons {
    /// The IPv6 group every node beacons to on each link: transient (T flag), link-local scope,
    /// so no IANA assignment is needed and it never leaves the link. Same port as IPv4.
    static let group = "ff12::feed:7171"

    private let plan: BeaconPlan
    private let port: UInt16
    private let logger: Logger
    private let receiver: UDPSocket
    private let sender: UDPSocket
    /// Links the group is joined on (by index, so a re-created interface is joined again), and
    /// links where joining failed and was logged (it is tried again at each beacon, logged once).
    private var joined: [UInt32: String] = [:]
    private var warned: Set<UInt32> = []
    /// The links the last beacon went out on, for the log when they change.
    private var lastLinks: [String]?

    /// Opens both sockets and joins the group on the links there are now.
    /// - Throws: `LoopError` when a socket cannot be bound (no IPv6, or the port is taken without reuse).
    init(loop: Loop, plan: BeaconPlan, port: UInt16, listenHost: String, logger: Logger,
         onBeacon: @escaping (_ bytes: [UInt8], _ sender: String) -> Void) throws {
        precondition(plan.ipv6 != nil, "IPv6 beacons without an IPv6 plan")
        self.plan = plan
        self.port = port
        self.logger = logger
        receiver = try UDPSocket(loop: loop)
        sender = try UDPSocket(loop: loop)
        do {
            try receiver.bind(host: "::", port: port, reuseAddress: true, ipv6Only: true)
            try sender.bind(host: listenHost, port: 0, ipv6Only: listenHost == "::")
            try sender.setMulticastTTL(1)
            // Several nodes on one host hear each other (their own beacons are recognised and skipped).
            try sender.setMulticastLoopback(true)
            try receiver.startReceiving(onDatagram: onBeacon)
        } catch {
            close()
            throw error
        }
        _ = refreshLinks()
    }

    /// Sends one beacon on every link the plan allows now.
    func send(_ bytes: [UInt8]) {
        for link in refreshLinks() {
            sender.send(bytes, to: "\(Self.group)%\(link.name)", port: port)
        }
    }

    /// Datagrams too long to be a beacon, dropped by the socket before the core sees them.
    var droppedDatagramCount: Int { receiver.droppedDatagramCount }

    func close() {
        receiver.close()
        sender.close()
    }

    /// Reads the interfaces, joins the group on links new since the last time, and returns the links.
    private func refreshLinks() -> [NetworkInterface] {
        let links: [NetworkInterface]
        do {
            links = plan.ipv6Interfaces(try NetworkInterface.all())
        } catch {
            logger.warning("IPv6 beacons: cannot list the network interfaces: \(error)")
            return []
        }
        let present = Set(links.map(\.index))
        joined = joined.filter { present.contains($0.key) }
        for link in links where joined[link.index] == nil {
            do {
                try receiver.joinMulticastGroup(Self.group, interface: "::%\(link.name)")
                joined[link.index] = link.name
            } catch {
                if warned.insert(link.index).inserted { logger.warning("IPv6 beacons are not heard on \(link.name): \(error)") }
            }
        }
        let names = links.map(\.name)
        if names != lastLinks {
            lastLinks = names
            logger.info("IPv6 beacons on [\(Self.group)]:\(port) via \(names.isEmpty ? "no link yet" : names.joined(separator: ", "))")
        }
        return links
    }
}
