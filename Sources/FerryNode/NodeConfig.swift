import FerryCore

/// How `ferry run` starts a node.
public struct NodeConfig: Sendable {
    public var dataDir: DataDirectory
    /// Where to accept links; nil for a node that only dials out.
    public var listen: Endpoint?
    /// Seeds to dial and keep dialling (`--peer`).
    public var peers: [Endpoint]
    public var limits: CoreLimits

    public init(dataDir: DataDirectory, listen: Endpoint?, peers: [Endpoint], limits: CoreLimits = CoreLimits()) {
        self.dataDir = dataDir
        self.listen = listen
        self.peers = peers
        self.limits = limits
    }
}
