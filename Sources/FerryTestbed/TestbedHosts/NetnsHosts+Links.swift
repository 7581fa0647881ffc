/// Faults in the network of a run: cuts as routes and closed connections, loss and delay as netem.
extension NetnsHosts {
    /// Brings both ends' networks to `new` for each other, from what they hold now (the network
    /// outlives processes, so the runner's idea of "old" for a process does not apply here).
    func changeNetwork(_ first: String, _ second: String, to new: LinkCondition) throws {
        let ends = [DirectedLink(end: first, peer: second), DirectedLink(end: second, peer: first)]
        let olds = ends.map { network[$0] ?? .intact }
        // Routes at both ends first, so that neither end can answer the other while the
        // connections are being closed; then the connections.
        for (link, old) in zip(ends, olds) where old.isCut != new.isCut { try route(link, cut: new.isCut) }
        let newlyCut = zip(ends, olds).filter { new.isCut && !$0.1.isCut }.map(\.0)
        if !newlyCut.isEmpty { try closeConnections(newlyCut) }
        for (link, old) in zip(ends, olds) where old.impairment != new.impairment { try shape(link, new.impairment) }
        for link in ends { network[link] = new == .intact ? nil : new }
    }

    /// An `unreachable` route to the peer's address in the end's namespace: the kernel refuses
    /// every packet for it (a dial fails at once with "no route to host", as when a link is down
    /// and the neighbour stops answering). A heal deletes it.
    private func route(_ link: DirectedLink, cut: Bool) throws {
        let destination = "\(try address(of: link.peer))/32"
        try ip(["-n", names.hostNamespace(link.end), "route", cut ? "replace" : "del", "unreachable", destination])
    }

    /// Closes the TCP connections between the ends of a new cut in each end's namespace (`ss -K`,
    /// the kernel's SOCK_DESTROY): the nodes see their link fail at once, as a host sees when its
    /// interface goes down. Without that, a link over a dead route lasts until the nodes' own
    /// timeouts. Where `ss -K` leaves a connection (a kernel without CONFIG_INET_DIAG_DESTROY), or
    /// there is no `ss`, cuts also go through the fault hook from then on.
    private func closeConnections(_ links: [DirectedLink]) throws {
        guard socketsClosable else { return }
        guard let ss = tools?.ss else { return fallBackToHookCuts("there is no `ss` command") }
        for link in links {
            let namespace = names.hostNamespace(link.end)
            let destination = try address(of: link.peer)
            // `ss -K` exits 0 whatever it managed to close; what is left says.
            _ = try HostCommand.run(ss, ["-N", namespace, "-K", "-t", "dst", destination])
            let left = try HostCommand.run(ss, ["-N", namespace, "-H", "-t", "state", "established", "dst", destination])
            try SignalWatch.check()
            if !left.succeeded || !left.lines.isEmpty {
                return fallBackToHookCuts("`ss -K` left \(left.lines.count) connection(s) from \(link.end) to \(link.peer) open")
            }
        }
    }

    private func fallBackToHookCuts(_ why: String) {
        socketsClosable = false
        remark("\(why): a cut also goes through the nodes' fault hook, which closes their links and refuses new ones, besides the route")
    }

    /// The end's loss and delay for traffic to the peer: netem where there is netem; else the fault
    /// hook does it (`changeLink`), and a note says so once.
    private func shape(_ link: DirectedLink, _ impairment: LinkCondition.Impairment?) throws {
        if let missing = netemMissing {
            if impairment != nil {
                remark("tc netem is not available here (\(missing)): loss and delay come from the nodes' fault hook instead, each end delaying and holding back what it writes, as with --hosts loopback")
            }
            return
        }
        guard let tc = tools?.tc, let peerNumber = numbers[link.peer], impairment != nil || shapedPeers.contains(link) else { return }
        let device = NetnsNames.hostInterface
        let minor = NetnsShaping.classMinor(peerNumber: peerNumber)
        var commands: [[String]] = []
        if !shapedHosts.contains(link.end) { commands += NetnsShaping.rootCommands(device: device) }
        if !shapedPeers.contains(link) {
            commands += NetnsShaping.classCommands(device: device, peerAddress: try address(of: link.peer), minor: minor)
        }
        if let impairment {
            commands.append(NetnsShaping.impairCommand(device: device, minor: minor, impairment))
        } else if shapedPeers.contains(link) {
            commands.append(NetnsShaping.clearCommand(device: device, minor: minor))
        }
        guard !commands.isEmpty else { return }
        try checked(tc, ["-n", names.hostNamespace(link.end), "-batch", "-"], input: Self.batch(commands))
        shapedHosts.insert(link.end)
        shapedPeers.insert(link)
    }
}
