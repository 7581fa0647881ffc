import ArgumentParser
import FerryNode
import Foundation
import Logging

/// `ferry coordinator`: a Ferry node in the coordinator role. It keeps mailboxes for any address,
/// pushes mail to a recipient the moment it links, serves identity records and endpoints of the
/// nodes linked to it, and reconciles with the other coordinators given as `--peer`.
struct CoordinatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run a coordinator: mailboxes for offline nodes and a directory, while it is up (logs to stderr).")

    @OptionGroup var data: DataOptions

    @Option(help: "Address to accept links on, HOST:PORT (port 0 picks a free one).")
    var listen: String = "127.0.0.1:7400"

    @Option(help: "Another coordinator to reconcile mailboxes with, HOST:PORT or ADDRESS@HOST:PORT. Repeat for several.")
    var peer: [String] = []

    @Option(help: "Log level: \(RunCommand.logLevels.joined(separator: ", ")).")
    var logLevel: String = RunCommand.logLevelDefault

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown log level '\(logLevel)'; use one of: \(RunCommand.logLevels.joined(separator: ", "))")
        }
    }

    func run() throws {
        try reportingErrors {
            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let dir = data.directory
            // A coordinator is a node with an identity of its own; the first start creates it.
            if !FileManager.default.fileExists(atPath: dir.identityKeyPath) {
                _ = try IdentityFiles.create(in: dir, now: currentTime())
            }
            var config = NodeConfig(
                dataDir: dir, listen: try Endpoint(parsing: listen), peers: try peer.map { try PeerSeed(parsing: $0) })
            config.role = .coordinator
            config.discovery = false
            let node = try Node(config: config, logger: Logger(label: "ferry"))
            try node.run()
        }
    }
}
