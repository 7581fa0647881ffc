import FerryCore
import FerryWire

/// How `ferry run` starts a node.
public struct NodeConfig: Sendable {
    public var dataDir: DataDirectory
    /// Where to accept links; nil for a node that only dials out.
    public var listen: Endpoint?
    /// Seeds to dial and keep dialling (`--peer`).
    public var peers: [PeerSeed]
    public var limits: CoreLimits
    /// LAN beacons and peer exchange (`--no-discovery` turns them off; announces stay on).
    public var discovery = true
    /// Coordinators to use while they are up (`--coordinator [ADDRESS@]HOST:PORT`).
    public var coordinators: [PeerSeed] = []
    /// A plain node, or a coordinator (`ferry coordinator`).
    public var role: NodeRole = .node
    /// Started for testing (`--testing`): the control socket takes `fault` requests
    /// (docs/CONTROL.md §Faults). Off by default, and never for production.
    public var testing = false

    public init(dataDir: DataDirectory, listen: Endpoint?, peers: [PeerSeed], limits: CoreLimits = CoreLimits()) {
        self.dataDir = dataDir
        self.listen = listen
        self.peers = peers
        self.limits = limits
    }
}

/// A `--peer` value: `HOST:PORT`, or `ADDRESS@HOST:PORT` to pin who must answer there. A pinned
/// seed whose TLS key does not hash to ADDRESS is dropped right after the handshake.
public struct PeerSeed: Sendable, Equatable, CustomStringConvertible {
    public var endpoint: Endpoint
    public var expected: Address?

    public init(endpoint: Endpoint, expected: Address? = nil) {
        self.endpoint = endpoint
        self.expected = expected
    }

    public init(parsing text: String) throws {
        if let at = text.firstIndex(of: "@") {
            let addressText = String(text[..<at]).lowercased()
            guard let address = Address(text: addressText) else {
                throw NodeError.badEndpoint(text + " (before @ must be a 32-character address)")
            }
            expected = address
            endpoint = try Endpoint(parsing: String(text[text.index(after: at)...]))
        } else {
            expected = nil
            endpoint = try Endpoint(parsing: text)
        }
    }

    public var description: String { expected.map { "\($0)@\(endpoint)" } ?? endpoint.description }
}

/// What a process is: a node of the mesh, or a coordinator serving mailboxes and a directory.
public enum NodeRole: String, Sendable {
    case node
    case coordinator
}
