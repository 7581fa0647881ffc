import Logging

/// Everything a node process starts with: the node's config and the log level. `ferry run` and
/// `ferry coordinator` build one from the defaults, then a config file (`ConfigFile.load`), then
/// the flags given on the command line (`apply`), each step overriding the one before.
public struct NodeSettings: Sendable {
    /// `--listen` when neither the command line nor a config file gives one.
    public static let listenDefault = Endpoint(host: "127.0.0.1", port: 7000)
    public static let logLevelDefault = Logger.Level.info

    public var node: NodeConfig
    public var logLevel: Logger.Level

    /// The defaults for `role`: the data directory from `$FERRY_DATA` (else `~/.local/share/ferry`),
    /// `listen`, no seeds, discovery on, the `CoreLimits` defaults.
    public init(role: NodeRole, dataDir: DataDirectory = .resolve(nil), listen: Endpoint = NodeSettings.listenDefault) {
        node = NodeConfig(dataDir: dataDir, listen: listen, peers: [])
        node.role = role
        logLevel = Self.logLevelDefault
    }

    /// Puts the command line's values over these settings: a flag that was given wins over the file
    /// and the defaults; a repeated flag (`--peer`, `--coordinator`) given at least once replaces
    /// the whole list.
    public mutating func apply(_ flags: CommandLineSettings) {
        if let dataDir = flags.dataDir { node.dataDir = .resolve(dataDir) }
        if let listen = flags.listen { node.listen = listen }
        if !flags.peers.isEmpty { node.peers = flags.peers }
        if !flags.coordinators.isEmpty { node.coordinators = flags.coordinators }
        if let discovery = flags.discovery { node.discovery = discovery }
        if let logLevel = flags.logLevel { self.logLevel = logLevel }
        if let testing = flags.testing { node.testing = testing }
    }
}

/// What the command line said about the settings a config file can also give; nil (or an empty
/// list) where it said nothing, so the file's value stays.
public struct CommandLineSettings: Sendable {
    /// `--data`, as typed (relative to the working directory).
    public var dataDir: String?
    public var listen: Endpoint?
    public var peers: [PeerSeed]
    public var coordinators: [PeerSeed]
    public var discovery: Bool?
    public var logLevel: Logger.Level?
    /// `--testing` (nil without it: the flag can only turn testing on).
    public var testing: Bool?

    public init(
        dataDir: String? = nil, listen: Endpoint? = nil, peers: [PeerSeed] = [], coordinators: [PeerSeed] = [],
        discovery: Bool? = nil, logLevel: Logger.Level? = nil, testing: Bool? = nil
    ) {
        self.dataDir = dataDir
        self.listen = listen
        self.peers = peers
        self.coordinators = coordinators
        self.discovery = discovery
        self.logLevel = logLevel
        self.testing = testing
    }
}
