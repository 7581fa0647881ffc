/// One element of the set two nodes reconcile: a message's creation time and its id.
///
/// Items sort by `created`, then by id in unsigned byte order (docs/PROTOCOL.md §Set
/// reconciliation). Sorting by time first keeps recent messages, the ones most likely to differ,
/// together in a few ranges. `created` may not be 2⁶⁴−1: that value stands for "infinity" in
/// range bounds. No envelope can carry it (`expires` must be later).
public struct SyncItem: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var created: Timestamp
    public var id: MessageID

    public init(created: Timestamp, id: MessageID) {
        self.created = created
        self.id = id
    }

    public static func < (lhs: SyncItem, rhs: SyncItem) -> Bool {
        lhs.created != rhs.created ? lhs.created < rhs.created : lhs.id < rhs.id
    }

    public var description: String { "\(created.milliseconds)/\(id)" }
}

/// Where one range of a sync message ends (exclusive); the next range starts there (inclusive).
///
/// A bound is a time and the shortest id prefix that separates the last item below it from the
/// first item at or above it; the prefix is padded with zero bytes to a full id when compared.
public enum SyncBound: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Items with `created` below `created`, or equal to it with an id below the padded prefix,
    /// lie below this bound. The prefix holds at most 16 bytes and never ends in a zero byte.
    case at(created: Timestamp, idPrefix: [UInt8])
    /// Above every item: the end of the last range.
    case infinity

    /// Below every item: where the first range of a message starts.
    public static let zero = SyncBound.at(created: Timestamp(milliseconds: 0), idPrefix: [])

    /// The shortest bound above `lower` and at or below `upper`, for `lower < upper`.
    ///
    /// If their times differ the prefix is empty; otherwise it is `upper`'s id up to and including
    /// the first byte where the two differ. That byte is larger than `lower`'s, so it is never zero.
    public static func between(_ lower: SyncItem, _ upper: SyncItem) -> SyncBound {
        precondition(lower < upper, "a bound between items needs them in order")
        guard lower.created == upper.created else { return .at(created: upper.created, idPrefix: []) }
        let a = lower.id.bytes, b = upper.id.bytes
        var common = 0
        while a[common] == b[common] { common += 1 }
        return .at(created: upper.created, idPrefix: Array(b[0...common]))
    }

    /// Whether `item` lies below this bound (in the range that this bound ends).
    public func isAbove(_ item: SyncItem) -> Bool {
        switch self {
        case .infinity: return true
        case .at(let created, let prefix):
            if item.created != created { return item.created < created }
            return Self.compare(item.id.bytes, prefix) < 0
        }
    }

    public static func < (lhs: SyncBound, rhs: SyncBound) -> Bool {
        switch (lhs, rhs) {
        case (.infinity, _): return false
        case (.at, .infinity): return true
        case (.at(let t1, let p1), .at(let t2, let p2)): return t1 != t2 ? t1 < t2 : compare(p1, p2) < 0
        }
    }

    public var description: String {
        switch self {
        case .infinity: return "∞"
        case .at(let created, let prefix): return "\(created.milliseconds)/\(Hex.encode(prefix))"
        }
    }

    /// Compares two byte strings as if both were padded with zero bytes to the same length.
    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }
}

/// The digest of one side's items in a range (docs/PROTOCOL.md §Set reconciliation, Fingerprint):
/// equal fingerprints mean equal items, up to a 2⁻¹²⁸ chance or a deliberately crafted collision.
public struct SyncFingerprint: FixedBytesValue {
    public static let byteCount = 16
    public static let fieldName = "sync fingerprint"

    public let bytes: [UInt8]

    public init(unchecked bytes: [UInt8]) { self.bytes = bytes }
}
