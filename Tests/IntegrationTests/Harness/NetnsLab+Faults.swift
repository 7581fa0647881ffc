import Foundation

/// Faults for outage tests: a host's cable pulled and put back, loss and delay on its link.
extension NetnsLab {
    /// Takes the switch port of `host` down: the host keeps its addresses and routes but loses
    /// carrier, as when a cable is pulled; nothing reaches it or leaves it.
    func cut(host: Int) throws {
        try NetnsTool.ip(["-n", switchNamespace, "link", "set", switchPort(of: host), "down"])
        try waitUntil("host \(host)'s link loses carrier", seconds: NetnsLimits.readySecondsMax) {
            try !NetnsTool.ip(["-n", namespace(of: host), "-o", "link", "show", "dev", interface(of: host)]).stdout.contains("state UP")
        }
    }

    /// Puts the switch port of `host` back up and waits until the host's link is ready again.
    /// As with a real cable, a peer that tried to reach the host while it was cut has an ARP
    /// entry still resolving, and reaches it at its next ARP retry (up to 1 s later).
    func heal(host: Int) throws {
        try NetnsTool.ip(["-n", switchNamespace, "link", "set", switchPort(of: host), "up"])
        try waitUntil("host \(host)'s link is up again", seconds: NetnsLimits.readySecondsMax) { try isReady(host) }
    }

    /// Adds delay and random loss to what `host` sends (`tc netem` on its veth; replaces any earlier
    /// setting). Throws `Unavailable` where there is no `tc` or the kernel has no netem qdisc.
    func impair(host: Int, delayMilliseconds: Int, lossPercent: Double = 0) throws {
        precondition(delayMilliseconds >= 0 && (0...100).contains(lossPercent))
        try tc(["-n", namespace(of: host), "qdisc", "replace", "dev", interface(of: host), "root", "netem",
                "delay", "\(delayMilliseconds)ms", "loss", "\(lossPercent)%"])
    }

    /// Removes what `impair` added; a host without impairment is left as it is.
    func clearImpairment(host: Int) throws {
        let shown = try tc(["-n", namespace(of: host), "qdisc", "show", "dev", interface(of: host)])
        guard shown.stdout.contains("netem") else { return }
        try tc(["-n", namespace(of: host), "qdisc", "del", "dev", interface(of: host), "root"])
    }

    @discardableResult
    private func tc(_ arguments: [String]) throws -> ToolResult {
        guard let tcPath = NetnsTool.tcPath else { throw Unavailable("no `tc` command (install iproute2, which ships it)") }
        let result = try NetnsTool.run(tcPath, arguments)
        if result.succeeded { return result }
        if result.stderr.contains("qdisc kind is unknown") {
            throw Unavailable("the kernel has no netem qdisc (CONFIG_NET_SCH_NETEM is off): \(result.reason)")
        }
        throw HarnessError("tc \(arguments.joined(separator: " ")) failed (\(result.termination)): \(result.reason)")
    }
}
