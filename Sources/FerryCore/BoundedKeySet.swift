import FerryStore

/// A set of custody keys that forgets everything when it reaches its capacity: what it remembers
/// (which messages a peer holds) only saves redundant offers, so forgetting is safe, and a long-lived
/// link must not grow it without bound.
struct BoundedKeySet {
    let capacity: Int
    private var keys: Set<CustodyKey> = []

    init(capacity: Int) { self.capacity = capacity }

    func contains(_ key: CustodyKey) -> Bool { keys.contains(key) }

    mutating func insert(_ key: CustodyKey) {
        if keys.count >= capacity { keys.removeAll() }
        keys.insert(key)
    }

    mutating func remove(_ key: CustodyKey) { keys.remove(key) }

    var count: Int { keys.count }
}
