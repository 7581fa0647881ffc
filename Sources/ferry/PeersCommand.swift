import ArgumentParser
import FerryControl

struct PeersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "peers", abstract: "Show this node's links.")

    @OptionGroup var data: DataOptions
    @Flag(help: "One JSON object per link, one per line.") var json = false

    func run() throws {
        try reportingErrors {
            let peers = try check(data.client().call(ControlRequest(op: "peers"))).peers ?? []
            if json {
                for peer in peers { printJSON(peer) }
            } else if peers.isEmpty {
                print("no links; start other nodes or pass --peer HOST:PORT to ferry run")
            } else {
                printPeers(peers)
            }
        }
    }
}
