/// The `tc` commands that impair one host's traffic to one peer (docs/TESTBED.md §Hosts in network
/// namespaces). netem on the whole cable would impair every link of the host; a link is one peer,
/// so the cable gets an HTB root whose unclassified traffic goes straight out, and each impaired
/// peer a class (`1:M`, M from the peer's number), a u32 filter sending packets for the peer's
/// address there, and a netem leaf (`M:`) with the link's loss and delay. `clear` removes the leaf,
/// so the class falls back to a plain FIFO; class and filter stay for the next `impair`. Impairing
/// both ends impairs both directions, as on loopback. Pure: commands out, `tc -batch` runs them.
enum NetnsShaping {
    /// An HTB class's rate must be given; this one never limits a veth.
    static let classRate = "10gbit"
    /// Bytes a class sends per round; HTB's own default for 10gbit is far above its maximum.
    static let classQuantumBytes = 60_000
    /// Class minors start here (1:1 … 1:f are left free), so a host's peer N is 1:(16 + N) in hex.
    static let classMinorBase = 0x10

    static func classMinor(peerNumber: Int) -> String { String(classMinorBase + peerNumber, radix: 16) }

    /// The HTB root, once per host: `default 0` sends unclassified traffic out directly.
    static func rootCommands(device: String) -> [[String]] {
        [["qdisc", "add", "dev", device, "root", "handle", "1:", "htb"]]
    }

    /// A class for one peer and the filter that sends its packets there, once per (host, peer).
    static func classCommands(device: String, peerAddress: String, minor: String) -> [[String]] {
        [
            ["class", "add", "dev", device, "parent", "1:", "classid", "1:\(minor)", "htb", "rate", classRate, "quantum", String(classQuantumBytes)],
            ["filter", "add", "dev", device, "parent", "1:", "protocol", "ip", "prio", "1", "u32", "match", "ip", "dst", "\(peerAddress)/32", "flowid", "1:\(minor)"],
        ]
    }

    /// Sets (or replaces) the peer's loss and delay.
    static func impairCommand(device: String, minor: String, _ impairment: LinkCondition.Impairment) -> [String] {
        ["qdisc", "replace", "dev", device, "parent", "1:\(minor)", "handle", "\(minor):", "netem",
         "delay", "\(impairment.delayMilliseconds)ms", "loss", "\(percent(impairment.lossPercent))%"]
    }

    /// Removes the peer's loss and delay.
    static func clearCommand(device: String, minor: String) -> [String] {
        ["qdisc", "del", "dev", device, "parent", "1:\(minor)", "handle", "\(minor):"]
    }

    /// `20`, `12.5`: whole numbers without a fraction, as tc reads them.
    static func percent(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
