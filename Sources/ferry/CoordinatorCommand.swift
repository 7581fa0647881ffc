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

    /// Where a coordinator listens when neither the command line nor a config file says.
    static let listenDefault = Endpoint(host: "127.0.0.1", port: 7400)

    @OptionGroup var data: DataOptions

    @Option(
        help: ArgumentHelp("A YAML config file (docs/CONFIG.md); a flag given here wins over the file's key.", valueName: "file"))
    var config: String?

    @Option(help: "Address to accept links on, HOST:PORT (port 0 picks a free one; default: 127.0.0.1:7400).")
    var listen: String?

    @Option(help: "Another coordinator to reconcile mailboxes with, HOST:PORT or ADDRESS@HOST:PORT. Repeat for several.")
    var peer: [String] = []

    @Option(help: "Log level: \(RunCommand.logLevels.joined(separator: ", ")) (default: info).")
    var logLevel: String?

    @Flag(help: "Start for testing: the control socket then takes fault requests that cut, delay or make links lossy (docs/CONTROL.md §Faults). Never in production.")
    var testing = false

    func validate() throws {
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("unknown log level '\(logLevel)'; use one of: \(RunCommand.logLevels.joined(separator: ", "))")
        }
    }

    func run() throws {
        try reportingErrors {
            let defaults = NodeSettings(role: .coordinator, listen: Self.listenDefault)
            var settings = try config.map { try ConfigFile.load($0, over: defaults) } ?? defaults
            settings.apply(CommandLineSettings(
                dataDir: data.data, listen: try listen.map { try Endpoint(parsing: $0) },
                peers: try peer.map { try PeerSeed(parsing: $0) }, logLevel: logLevel.flatMap { Logger.Level(rawValue: $0) },
                testing: testing ? true : nil))
            // A coordinator dials no discovered endpoint and sends no beacon; it serves endpoints.
            settings.node.discovery = false
            let level = settings.logLevel
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let dir = settings.node.dataDir
            // A coordinator is a node with an identity of its own; the first start creates it.
            if !FileManager.default.fileExists(atPath: dir.identityKeyPath) {
                _ = try IdentityFiles.create(in: dir, now: currentTime())
            }
            let node = try Node(config: settings.node, logger: Logger(label: "ferry"))
            try node.run()
        }
    }
}
