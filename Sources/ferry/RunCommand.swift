import ArgumentParser
import FerryNode
import Foundation
import Logging

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the node in the foreground (logs to stderr; stop with Ctrl-C).")

    /// `--log-level` values, from most to least verbose.
    static let logLevels = Logger.Level.allCases.map(\.rawValue)

    @OptionGroup var data: DataOptions

    @Option(
        help: ArgumentHelp(
            "A YAML config file (docs/CONFIG.md). A flag given here wins over the file's key; --peer and --coordinator replace the file's whole list.",
            valueName: "file"))
    var config: String?

    @Option(help: "Address to accept links on, HOST:PORT (port 0 picks a free one; default: 127.0.0.1:7000).")
    var listen: String?

    @Option(help: "A peer to dial and keep dialling, HOST:PORT or ADDRESS@HOST:PORT (refuse anyone else there). Repeat for several.")
    var peer: [String] = []

    @Option(help: "A coordinator to use while it is up, HOST:PORT or ADDRESS@HOST:PORT. Repeat for several.")
    var coordinator: [String] = []

    @Option(help: "Log level: \(RunCommand.logLevels.joined(separator: ", ")) (default: info).")
    var logLevel: String?

    @Flag(
        inversion: .prefixedNo,
        help: "LAN beacons and peer exchange (default: on). Beacons need a LAN --listen address: IPv4 for 0.0.0.0 or an IPv4 address, IPv4 and IPv6 link-local for [::]. With --no-discovery the node links only to --peer seeds and whoever dials in.")
    var discovery: Bool?

    @Flag(help: "Start for testing: the control socket then takes fault requests that cut, delay or make links lossy (docs/CONTROL.md §Faults). Never in production.")
    var testing = false

    func validate() throws {
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("unknown log level '\(logLevel)'; use one of: \(Self.logLevels.joined(separator: ", "))")
        }
    }

    func run() throws {
        try reportingErrors {
            // Defaults, then the file, then the flags given here (docs/CONFIG.md §Flags and the file).
            var settings = try config.map { try ConfigFile.load($0, role: .node) } ?? NodeSettings(role: .node)
            settings.apply(try commandLine())
            let level = settings.logLevel
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "ferry")
            let node = try Node(config: settings.node, logger: logger)
            // Written once the node holds the data directory's lock, so a second `ferry run`
            // that is refused cannot overwrite the arguments of the one that runs.
            do { try RunArguments.save(recordedArguments(settings.node), in: settings.node.dataDir) } catch {
                logger.warning("\(error); ferry status will not be able to say how this node was started")
            }
            try node.run()
        }
    }

    /// The flags given on this command line, parsed.
    private func commandLine() throws -> CommandLineSettings {
        CommandLineSettings(
            dataDir: data.data, listen: try listen.map { try Endpoint(parsing: $0) },
            peers: try peer.map { try PeerSeed(parsing: $0) },
            coordinators: try coordinator.map { try PeerSeed(parsing: $0) },
            discovery: discovery, logLevel: logLevel.flatMap { Logger.Level(rawValue: $0) }, testing: testing ? true : nil)
    }

    /// The arguments to start this node again from anywhere: the config file and the data directory
    /// as absolute paths, then the flags given here as given. Without a config file `--listen` is
    /// always recorded (its default made explicit), as before config files existed.
    private func recordedArguments(_ config: NodeConfig) -> [String] {
        var arguments: [String] = []
        if let file = self.config { arguments += ["--config", absolute(file)] }
        arguments += ["--data", config.dataDir.path]
        if let listen { arguments += ["--listen", listen] } else if self.config == nil {
            arguments += ["--listen", NodeSettings.listenDefault.description]
        }
        arguments += peer.flatMap { ["--peer", $0] } + coordinator.flatMap { ["--coordinator", $0] }
        if let logLevel { arguments += ["--log-level", logLevel] }
        if let discovery { arguments.append(discovery ? "--discovery" : "--no-discovery") }
        if testing { arguments.append("--testing") }
        return arguments
    }

    private func absolute(_ path: String) -> String {
        ((path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path) as NSString).standardizingPath
    }
}
