import FerryControl

/// The lines of `ferry status` about the node's role: each configured coordinator (up or down,
/// and since when: an operator's first question in an outage), a coordinator's mailboxes, and
/// discovery.
enum StatusText {
    static func roleLines(_ status: NodeStatus, nowMs: UInt64) -> [String] {
        var lines: [String] = []
        for coordinator in status.coordinators ?? [] {
            let who = coordinator.address.isEmpty ? coordinator.endpoint : "\(coordinator.address)@\(coordinator.endpoint)"
            var text = "coordinator \(who)  \(coordinator.state)"
            if let since = coordinator.sinceMs { text += " for \(age(nowMs: nowMs, sinceMs: since))" }
            if coordinator.state != "up", let error = coordinator.lastError { text += " (\(error))" }
            text += ", \(coordinator.handed) handed"
            lines.append(text)
        }
        if let mailboxes = status.mailboxes {
            lines.append("mailboxes \(mailboxes.messages) messages, \(mailboxes.bytes) of \(mailboxes.quotaBytes) bytes, \(mailboxes.addresses.count) addresses")
        }
        if let discovery = status.discovery {
            if discovery.enabled {
                let beacons = discovery.beacons
                    ? "beacons \(discovery.beaconsSent) sent, \(discovery.beaconsHeard) heard, \(discovery.beaconsRejected) rejected"
                    : "no beacons (not on a LAN address)"
                lines.append("discovery on: \(beacons); \(discovery.knownEndpoints) endpoints known")
            } else {
                lines.append("discovery off (--no-discovery): seeds and coordinators only")
            }
        }
        return lines
    }

    /// `42s`, `5m03s`, `2h10m`: how long ago, never negative.
    static func age(nowMs: UInt64, sinceMs: UInt64) -> String {
        let seconds = nowMs > sinceMs ? (nowMs - sinceMs) / 1000 : 0
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(pad(seconds % 60))s" }
        return "\(seconds / 3600)h\(pad(seconds % 3600 / 60))m"
    }

    private static func pad(_ value: UInt64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
