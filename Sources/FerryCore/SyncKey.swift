import FerryWire

/// A `SyncItem` packed into three words, for sorting, searching and summing without touching the
/// heap: the creation time, then the 16-byte id read as a big-endian 128-bit number in two halves.
/// Comparing keys compares items in the sync order (time, then id bytes).
struct SyncKey: Hashable, Comparable, Sendable {
    var created: UInt64
    var high: UInt64
    var low: UInt64

    /// Above every item key: no item may have the time 2⁶⁴−1, and no decoded bound either.
    static let infinity = SyncKey(created: .max, high: .max, low: .max)

    init(created: UInt64, high: UInt64, low: UInt64) {
        self.created = created
        self.high = high
        self.low = low
    }

    init(_ item: SyncItem) {
        self.init(created: item.created.milliseconds, idBytes: item.id.bytes)
    }

    /// The key a bound stands for: its prefix padded with zero bytes, so that `key < bound`
    /// exactly when the item lies below the bound.
    init(_ bound: SyncBound) {
        switch bound {
        case .infinity: self = .infinity
        case .at(let created, let prefix): self.init(created: created.milliseconds, idBytes: prefix)
        }
    }

    /// `idBytes` holds at most 16 bytes; missing ones count as zero.
    private init(created: UInt64, idBytes: [UInt8]) {
        var high: UInt64 = 0, low: UInt64 = 0
        for index in 0..<MessageID.byteCount {
            let byte = UInt64(index < idBytes.count ? idBytes[index] : 0)
            if index < 8 { high = high << 8 | byte } else { low = low << 8 | byte }
        }
        self.init(created: created, high: high, low: low)
    }

    var idBytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: MessageID.byteCount)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * index))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * index))
        }
        return bytes
    }

    var id: MessageID { MessageID(unchecked: idBytes) }

    var item: SyncItem { SyncItem(created: Timestamp(milliseconds: created), id: id) }

    static func < (lhs: SyncKey, rhs: SyncKey) -> Bool {
        if lhs.created != rhs.created { return lhs.created < rhs.created }
        if lhs.high != rhs.high { return lhs.high < rhs.high }
        return lhs.low < rhs.low
    }

    /// The shortest bound above `self` and at or below `next` (`self < next`); the same bound as
    /// `SyncBound.between`, found with word operations instead of a byte loop.
    func bound(below next: SyncKey) -> SyncBound {
        precondition(self < next, "a bound between keys needs them in order")
        let created = Timestamp(milliseconds: next.created)
        guard self.created == next.created else { return .at(created: created, idPrefix: []) }
        let differing = high != next.high
            ? (high ^ next.high).leadingZeroBitCount / 8
            : 8 + (low ^ next.low).leadingZeroBitCount / 8
        return .at(created: created, idPrefix: Array(next.idBytes[0...differing]))
    }
}
