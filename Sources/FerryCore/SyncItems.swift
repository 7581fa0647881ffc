import FerryWire

/// One node's reconciliation set: its items sorted in the sync order, with prefix sums so that the
/// fingerprint of any range costs two binary searches and one hash, whatever the range's size.
///
/// A value type: a `Reconciler` keeps the copy it was given, so a sync sees one consistent set
/// while the node goes on inserting and removing (the first change after the copy pays one O(n)
/// copy). Insert and remove shift the arrays and patch the sums after the changed place: O(n), a
/// memmove of some 2 MB at 100 000 items. That is fine for messages arriving one by one; a store of
/// millions would want a B-tree with sums in its nodes instead.
public struct SyncItems: RandomAccessCollection, Sendable {
    /// The items, strictly ascending.
    private(set) var keys: [SyncKey] = []
    /// `sums[i]` is the sum of `keys[0..<i]`; one longer than `keys`.
    private var sums: [SyncSum] = [.zero]

    public init() {}

    /// The set of `items`, duplicates dropped. Items with the reserved time 2⁶⁴−1 are dropped too:
    /// no valid envelope has it, so one can only come from damaged data, which must not stop a sync.
    public init<S: Sequence>(_ items: S) where S.Element == SyncItem {
        var keys = items.compactMap { $0.created.milliseconds == .max ? nil : SyncKey($0) }
        keys.sort()
        var unique: [SyncKey] = []
        unique.reserveCapacity(keys.count)
        for key in keys where unique.last != key { unique.append(key) }
        self.keys = unique
        rebuildSums()
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { keys.count }
    public subscript(position: Int) -> SyncItem { keys[position].item }

    public func contains(_ item: SyncItem) -> Bool {
        let key = SyncKey(item)
        let index = firstIndex(notBelow: key)
        return index < keys.count && keys[index] == key
    }

    /// Adds `item`; false if it was already there or has the reserved time 2⁶⁴−1.
    @discardableResult
    public mutating func insert(_ item: SyncItem) -> Bool {
        guard item.created.milliseconds != .max else { return false }
        let key = SyncKey(item)
        let index = firstIndex(notBelow: key)
        guard index == keys.count || keys[index] != key else { return false }
        keys.insert(key, at: index)
        sums.insert(sums[index] + key, at: index + 1)
        for later in (index + 2)..<sums.count { sums[later] = sums[later] + key }
        return true
    }

    /// Removes `item`; false if it was not there.
    @discardableResult
    public mutating func remove(_ item: SyncItem) -> Bool {
        let key = SyncKey(item)
        let index = firstIndex(notBelow: key)
        guard index < keys.count, keys[index] == key else { return false }
        keys.remove(at: index)
        sums.remove(at: index + 1)
        let removed = SyncSum.zero + key
        for later in (index + 1)..<sums.count { sums[later] = sums[later] - removed }
        return true
    }

    /// The fingerprint of this set's items from `lower` (inclusive) to `upper` (exclusive).
    public func fingerprint(from lower: SyncBound, to upper: SyncBound) -> SyncFingerprint {
        let start = firstIndex(notBelow: SyncKey(lower))
        return fingerprint(of: start..<Swift.max(start, firstIndex(notBelow: SyncKey(upper))))
    }

    /// The fingerprint of `keys[range]`.
    func fingerprint(of range: Range<Int>) -> SyncFingerprint {
        (sums[range.upperBound] - sums[range.lowerBound]).fingerprint(count: range.count)
    }

    /// The position of the first item at or above `key` (`count` if none): where a bound falls.
    func firstIndex(notBelow key: SyncKey) -> Int {
        var low = 0, high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private mutating func rebuildSums() {
        sums = [.zero]
        sums.reserveCapacity(keys.count + 1)
        for key in keys { sums.append(sums[sums.count - 1] + key) }
    }
}
