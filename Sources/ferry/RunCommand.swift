import ArgumentParser
import FerryNode
import Foundation
import Logging

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the node in the foreground (logs to stderr; stop with Ctrl-C).")

    /// `--log-level` values, from most to least verbose.
    static let logLevels = Logger.Level.allCases.map(\.rawValue)
    static let logLevelDefault = "info"

    @OptionGroup var data: DataOptions

    @Option(help: "Address to accept links on, HOST:PORT (port 0 picks a free one).")
    var listen: String = "127.0.0.1:7000"

    @Option(help: "A peer to dial and keep dialling, HOST:PORT or ADDRESS@HOST:PORT (refuse anyone else there). Repeat for several.")
    var peer: [String] = []

    @Option(help: "Log level: \(RunCommand.logLevels.joined(separator: ", ")).")
    var logLevel: String = RunCommand.logLevelDefault

    @Flag(help: "Link only to --peer seeds and whoever dials in: no LAN beacons, no peer exchange.")
    var noDiscovery = false

    @Option(help: "A coordinator to use while it is up, HOST:PORT or ADDRESS@HOST:PORT. Repeat for several.")
    var coordinator: [String] = []

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown log level '\(logLevel)'; use one of: \(Self.logLevels.joined(separator: ", "))")
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
            let logger = Logger(label: "ferry")
            var config = NodeConfig(
                dataDir: data.directory, listen: try Endpoint(parsing: listen), peers: try peer.map { try PeerSeed(parsing: $0) })
            config.discovery = !noDiscovery
            config.coordinators = try coordinator.map { try PeerSeed(parsing: $0) }
            let node = try Node(config: config, logger: logger)
            // Written once the node holds the data directory's lock, so a second `ferry run`
            // that is refused cannot overwrite the arguments of the one that runs.
            do { try RunArguments.save(recordedArguments(config), in: config.dataDir) } catch {
                logger.warning("\(error); ferry status will not be able to say how this node was started")
            }
            try node.run()
        }
    }

    /// The arguments to start this node again from anywhere: the data directory as an absolute
    /// path, the rest as given (the log level only when it is not the default).
    private func recordedArguments(_ config: NodeConfig) -> [String] {
        var arguments = ["--data", config.dataDir.path, "--listen", listen] + peer.flatMap { ["--peer", $0] }
        if logLevel != Self.logLevelDefault { arguments += ["--log-level", logLevel] }
        if noDiscovery { arguments.append("--no-discovery") }
        arguments += coordinator.flatMap { ["--coordinator", $0] }
        return arguments
    }
}
