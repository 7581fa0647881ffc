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
            print("relay     \(status.relay)")
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
            [
                peer.address.isEmpty ? "-" : String(peer.address.prefix(16)), peer.name ?? "-", peer.endpoint,
                peer.direction, peer.established ? "up" : "handshake",
                "\(Int(max(0, now - Double(peer.sinceMs)) / 1000))s", "\(peer.inflight)",
            ]
        })
}
