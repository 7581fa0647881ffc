import ArgumentParser
import FerryControl
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show this node: identity, listen address, links, message counts.")

    @OptionGroup var data: DataOptions
    @Flag(help: "JSON for scripts.") var json = false

    func run() throws {
        try reportingErrors {
            let client = try data.client()
            let reply = try check(client.call(ControlRequest(op: "status")))
            guard let status = reply.status else { throw ControlFailure(message: "status reply without status") }
            let peers = try check(client.call(ControlRequest(op: "peers"))).peers ?? []
            if json {
                printJSON(StatusJSON(status: status, peers: peers))
                return
            }
            print("address   \(status.address)")
            print("listen    \(status.listen)")
            print("data      \(status.dataDir)")
            print("pid       \(status.pid)")
            print("links     \(status.links)")
            print("outbox    \(status.outboxPending) pending, \(status.outboxDelivered) delivered")
            print("inbox     \(status.inbox)")
            print("relay     \(status.relay) copies, \(status.relayBytes ?? 0) of \(status.relayQuotaBytes ?? 0) bytes; \(status.forwarded ?? 0) forwarded, \(status.proofsSeen ?? 0) proofs seen, \(status.evicted ?? 0) evicted")
            if let refusals = status.refusals {
                print("refused   \(refusals.linksRefused) links, \(refusals.handshakesEvicted) handshakes evicted, \(refusals.invalidEnvelopes) invalid envelopes, \(refusals.pingsIgnored) pings ignored, \(refusals.logLinesSuppressed) log lines left out")
            }
            for line in StatusText.roleLines(status, nowMs: UInt64(Date().timeIntervalSince1970 * 1000)) { print(line) }
            if status.testing == true {
                print("testing   on: faults can be injected (docs/CONTROL.md §Faults); \(status.faults?.count ?? 0) peers with faults now")
            }
            if !peers.isEmpty {
                print("")
                printPeers(peers)
            }
        }
    }
}

/// `ferry status --json`: the status fields, plus `peers`.
struct StatusJSON: Encodable {
    let status: NodeStatus
    let peers: [PeerInfo]

    func encode(to encoder: Encoder) throws {
        try status.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(peers, forKey: .peers)
    }

    enum Key: String, CodingKey { case peers }
}

func printPeers(_ peers: [PeerInfo]) {
    let now = Date().timeIntervalSince1970 * 1000
    printTable(
        ["PEER", "NAME", "ENDPOINT", "DIR", "STATE", "UP", "IN FLIGHT"],
        peers.map { peer in
            let linked = peer.sinceMs > 0
            return [
                peer.address.isEmpty ? "-" : peer.address, peer.name ?? "-", peer.endpoint, peer.direction,
                stateText(peer), linked ? "\(Int(max(0, now - Double(peer.sinceMs)) / 1000))s" : "-",
                linked ? "\(peer.inflight)" : "-",
            ]
        })
}

/// `up`, `handshake`, or for a seed not linked what it is doing and why:
/// `waiting: connection refused, retry in 5 s`.
private func stateText(_ peer: PeerInfo) -> String {
    let state = peer.state ?? (peer.established ? "up" : "handshake")
    var parts: [String] = []
    if let error = peer.lastError { parts.append(error) }
    if let retry = peer.retryInMs { parts.append("retry in \(max(1, (retry + 999) / 1000)) s") }
    return parts.isEmpty ? state : "\(state): " + parts.joined(separator: ", ")
}
