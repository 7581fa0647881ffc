import ArgumentParser
import FerryNode
import Foundation
import Logging

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the node in the foreground (logs to stderr; stop with Ctrl-C).")

    @OptionGroup var data: DataOptions

    @Option(help: "Address to accept links on, HOST:PORT (port 0 picks a free one).")
    var listen: String = "127.0.0.1:7000"

    @Option(help: "A peer to dial and keep dialling, HOST:PORT or ADDRESS@HOST:PORT (refuse anyone else there). Repeat for several.")
    var peer: [String] = []

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    func run() throws {
        try reportingErrors {
            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let config = NodeConfig(
                dataDir: data.directory, listen: try Endpoint(parsing: listen), peers: try peer.map { try PeerSeed(parsing: $0) })
            let node = try Node(config: config, logger: Logger(label: "ferry"))
            try node.run()
        }
    }
}
