import FerryStore
import FerryWire

/// The bytes held of one custody kind (relay copies, or a coordinator's mailboxes), in all, per
/// origin peer and per destination, kept in memory so a quota check costs three dictionary lookups
/// instead of three aggregate queries over every copy held (they grew with the store: milliseconds
/// per copy at a full quota, docs/BENCHMARKS.md). Built from the store at start and after a
/// rollback; every change of custody of that kind goes through `add` and `remove`.
struct CustodySums {
    let kind: CustodyKind
    struct Entry {
        let size: Int
        let origin: Address?
        let destination: Address
    }

    private(set) var totalBytes = 0
    private var entries: [CustodyKey: Entry] = [:]
    private var byOrigin: [Address: Int] = [:]
    private var byDestination: [Address: Int] = [:]

    init(kind: CustodyKind) { self.kind = kind }

    var count: Int { entries.count }

    /// Destinations with the most bytes, for a coordinator's status.
    func largestDestinations(_ limit: Int) -> [(address: Address, bytes: Int, count: Int)] {
        var counts: [Address: Int] = [:]
        for entry in entries.values { counts[entry.destination, default: 0] += 1 }
        return byDestination.sorted { $0.value > $1.value }.prefix(limit).map { ($0.key, $0.value, counts[$0.key] ?? 0) }
    }

    func bytes(fromOrigin origin: Address) -> Int { byOrigin[origin] ?? 0 }
    func bytes(forDestination destination: Address) -> Int { byDestination[destination] ?? 0 }
    func contains(_ key: CustodyKey) -> Bool { entries[key] != nil }

    /// The copies that came from `origin`.
    func keys(fromOrigin origin: Address) -> [CustodyKey] {
        entries.compactMap { $0.value.origin == origin ? $0.key : nil }
    }

    func origin(of key: CustodyKey) -> Address? { entries[key]?.origin }
    func destination(of key: CustodyKey) -> Address? { entries[key]?.destination }

    mutating func add(_ message: HeldMessage) {
        guard message.kind == kind, entries[message.key] == nil else { return }
        let entry = Entry(size: message.size, origin: message.origin, destination: message.destination)
        entries[message.key] = entry
        totalBytes += entry.size
        if let origin = entry.origin { byOrigin[origin, default: 0] += entry.size }
        byDestination[entry.destination, default: 0] += entry.size
    }

    mutating func remove(_ key: CustodyKey) {
        guard let entry = entries.removeValue(forKey: key) else { return }
        totalBytes -= entry.size
        if let origin = entry.origin { byOrigin[origin] = Self.less(byOrigin[origin], entry.size) }
        byDestination[entry.destination] = Self.less(byDestination[entry.destination], entry.size)
    }

    /// A sum minus `size`; nil once nothing is left, so the maps hold only peers with copies.
    private static func less(_ value: Int?, _ size: Int) -> Int? {
        let left = (value ?? 0) - size
        return left > 0 ? left : nil
    }
}
