import FerryCrypto
import FerryWire

/// Where an address's mail lives: its **home coordinators**, the `replicas` coordinators of the
/// configured list that score highest for it under rendezvous hashing (highest random weight, a
/// form of consistent hashing): score(c, a) = the first 8 bytes of SHA-256("ferry-home-v1" ‖ c ‖ a).
/// Every node with the same list computes the same homes, and adding or removing one coordinator
/// moves only the addresses whose homes it was (docs/COORDINATORS.md).
public struct CoordinatorRing: Sendable, Equatable {
    public private(set) var coordinators: [Address]
    public let replicas: Int

    public init(coordinators: [Address] = [], replicas: Int = 2) {
        self.coordinators = Array(Set(coordinators)).sorted()
        self.replicas = replicas
    }

    /// Adds a coordinator learnt at run time (one configured without its address).
    public mutating func add(_ coordinator: Address) {
        guard !coordinators.contains(coordinator) else { return }
        coordinators.append(coordinator)
        coordinators.sort()
    }

    /// The home coordinators of `address`, best first.
    public func homes(of address: Address) -> [Address] {
        coordinators
            .map { (coordinator: $0, score: Self.score($0, address)) }
            .sorted { ($0.score, $0.coordinator) > ($1.score, $1.coordinator) }
            .prefix(replicas)
            .map(\.coordinator)
    }

    static let context = Array("ferry-home-v1".utf8)

    static func score(_ coordinator: Address, _ address: Address) -> UInt64 {
        Digests.sha256(context + coordinator.bytes + address.bytes).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
