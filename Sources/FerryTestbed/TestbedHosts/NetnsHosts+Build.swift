#if canImport(Glibc)
import Glibc
#endif

/// Bringing a run's network up: the switch with its bridge, a namespace and a cable per host, each
/// host's address and routes, then a look at what the kernel can do (netem).
extension NetnsHosts {
    /// Most polls of the bridge ports while waiting for every cable to have carrier.
    static let readyPollMilliseconds: UInt64 = 20
    static let readyMillisecondsMax: UInt64 = 10_000

    func build(_ hosts: [String]) throws {
        let switchNamespace = names.switchNamespace
        namespacesMade.append(switchNamespace)
        try unlessUnavailable("cannot make a network namespace", ["netns", "add", switchNamespace])
        // The bridge floods multicast to every port (snooping off: no querier, no IGMP state to wait
        // for) and forwards at once (no spanning tree).
        try unlessUnavailable("cannot make a bridge", [
            "-n", switchNamespace, "link", "add", NetnsNames.bridge, "type", "bridge", "stp_state", "0", "mcast_snooping", "0",
        ])
        try ip(["-n", switchNamespace, "link", "set", NetnsNames.bridge, "up"])
        namespacesMade += hosts.map(names.hostNamespace)
        try ip(["-batch", "-"], input: Self.batch(hosts.map { ["netns", "add", names.hostNamespace($0)] }))
        // Each cable is made in the switch with its other end created straight in the host.
        try ip(["-n", switchNamespace, "-batch", "-"], input: Self.batch(hosts.enumerated().flatMap { index, host in
            let port = names.switchPort(index + 1)
            return [
                ["link", "add", port, "type", "veth", "peer", "name", NetnsNames.hostInterface, "netns", names.hostNamespace(host)],
                ["link", "set", port, "master", NetnsNames.bridge, "up"],
            ]
        }))
        for (index, host) in hosts.enumerated() { try configure(host, number: index + 1) }
        try waitUntilCabled(count: hosts.count)
    }

    /// `lo` up, the address on the cable, and a route for 224.0.0.0/4 through it: there is no
    /// default route, and without it beacons (IPv4 multicast) would have no way out.
    private func configure(_ host: String, number: Int) throws {
        let interface = NetnsNames.hostInterface
        try ip(["-n", names.hostNamespace(host), "-batch", "-"], input: Self.batch([
            ["link", "set", "lo", "up"],
            ["addr", "add", "\(names.address(number))/\(NetnsNames.addressPrefixBits)", "dev", interface],
            ["link", "set", interface, "up"],
            ["route", "add", "224.0.0.0/4", "dev", interface],
        ]))
    }

    /// Waits until every port of the bridge is up, which it is once both ends of its cable are.
    private func waitUntilCabled(count: Int) throws {
        let deadline = RunClock.monotonicNanoseconds() + Self.readyMillisecondsMax * 1_000_000
        var up = 0
        for _ in 0..<(Self.readyMillisecondsMax / Self.readyPollMilliseconds + 2) {
            let ports = try ip(["-n", names.switchNamespace, "-o", "link", "show", "master", NetnsNames.bridge])
            up = ports.lines.filter { $0.contains("state UP") }.count
            if up >= count || RunClock.monotonicNanoseconds() >= deadline { break }
            usleep(UInt32(Self.readyPollMilliseconds * 1_000))
        }
        guard up >= count else {
            throw TestbedError.runner("only \(up) of \(count) cables came up within \(TextFormat.duration(Self.readyMillisecondsMax))")
        }
    }

    /// Runs an `ip` command whose failure means namespaces cannot be made here at all.
    private func unlessUnavailable(_ what: String, _ arguments: [String]) throws {
        guard let tools else { return }
        let result = try HostCommand.run(tools.ip, arguments)
        try SignalWatch.check()
        guard result.succeeded else { throw TestbedError.hostsUnavailable("\(what): \(result.reason)") }
    }

    /// Why loss and delay cannot be `tc netem` here, or nil if they can: the whole shaping (an HTB
    /// root, a class, a u32 filter, a netem leaf) tried once on the switch's first port, then removed.
    func probeNetem() -> String? {
        guard let tc = tools?.tc else { return "there is no `tc` command (iproute2 ships it)" }
        let device = names.switchPort(1)
        let commands = NetnsShaping.rootCommands(device: device)
            + NetnsShaping.classCommands(device: device, peerAddress: names.address(1), minor: NetnsShaping.classMinor(peerNumber: 1))
            + [NetnsShaping.impairCommand(device: device, minor: NetnsShaping.classMinor(peerNumber: 1), .init(lossPercent: 0, delayMilliseconds: 1))]
        let probe = try? HostCommand.run(tc, ["-n", names.switchNamespace, "-batch", "-"], input: Self.batch(commands))
        _ = try? HostCommand.run(tc, ["-n", names.switchNamespace, "qdisc", "del", "dev", device, "root"])
        guard let probe else { return "`tc` did not answer" }
        if probe.succeeded { return nil }
        if probe.stderr.contains("qdisc kind is unknown") { return "this kernel lacks CONFIG_NET_SCH_NETEM" }
        return "tc: \(probe.reason)"
    }

    /// Commands as lines for `ip -batch -` or `tc -batch -`.
    static func batch(_ commands: [[String]]) -> String {
        commands.map { $0.joined(separator: " ") + "\n" }.joined()
    }
}
