import FerryCrypto
import FerryWire

/// The running sums behind a fingerprint: ids added as 128-bit numbers and times added as 64-bit
/// numbers, both wrapping. Addition wraps, so it can be undone: the sum over a range of a sorted
/// list is the difference of two prefix sums, which makes any range's fingerprint O(1).
struct SyncSum: Equatable, Sendable {
    var high: UInt64 = 0
    var low: UInt64 = 0
    var created: UInt64 = 0

    static let zero = SyncSum()

    static func + (lhs: SyncSum, key: SyncKey) -> SyncSum {
        let (low, carry) = lhs.low.addingReportingOverflow(key.low)
        return SyncSum(high: lhs.high &+ key.high &+ (carry ? 1 : 0), low: low, created: lhs.created &+ key.created)
    }

    static func - (lhs: SyncSum, rhs: SyncSum) -> SyncSum {
        let (low, borrow) = lhs.low.subtractingReportingOverflow(rhs.low)
        return SyncSum(high: lhs.high &- rhs.high &- (borrow ? 1 : 0), low: low, created: lhs.created &- rhs.created)
    }

    /// The fingerprint of `count` items with this sum (docs/PROTOCOL.md §Set reconciliation):
    /// the first 16 bytes of SHA-256 over 32 bytes, all big-endian: the id sum (16), the time
    /// sum (8) and the count (8). The time sum is what tells an item from one with the same id
    /// and another time; the count makes a range's sum and size commit together.
    func fingerprint(count: Int) -> SyncFingerprint {
        var writer = ByteWriter(capacity: 32)
        writer.u64(high)
        writer.u64(low)
        writer.u64(created)
        writer.u64(UInt64(count))
        return SyncFingerprint(unchecked: Array(Digests.sha256(writer.bytes).prefix(SyncFingerprint.byteCount)))
    }
}
