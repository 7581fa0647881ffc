import FerryStore
import FerryWire

/// The bytes of relay copies held, in all, per origin peer and per destination, kept in memory so a
/// quota check costs three dictionary lookups instead of three aggregate queries over every copy
/// held (they grew with the store: milliseconds per copy at a full quota, docs/BENCHMARKS.md).
/// Built from the store at start and after a rollback; every change of relay custody goes through
/// `add` and `remove`.
struct RelayUsage {
    struct Entry {
        let size: Int
        let origin: Address?
        let destination: Address
    }

    private(set) var totalBytes = 0
    private var entries: [CustodyKey: Entry] = [:]
    private var byOrigin: [Address: Int] = [:]
    private var byDestination: [Address: Int] = [:]

    var count: Int { entries.count }

    func bytes(fromOrigin origin: Address) -> Int { byOrigin[origin] ?? 0 }
    func bytes(forDestination destination: Address) -> Int { byDestination[destination] ?? 0 }
    func contains(_ key: CustodyKey) -> Bool { entries[key] != nil }

    mutating func add(_ message: HeldMessage) {
        guard message.kind == .relay, entries[message.key] == nil else { return }
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
