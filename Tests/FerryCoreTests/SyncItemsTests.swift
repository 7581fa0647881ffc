import FerryCore
import FerryCrypto
import FerryWire
import XCTest

/// The sorted set with prefix sums: any range's fingerprint is the one its items would have on
/// their own, through inserts and removes, and the fingerprint is the documented digest.
final class SyncItemsTests: XCTestCase {
    static func item(_ created: UInt64, _ idByte: UInt8, last: UInt8? = nil) -> SyncItem {
        var bytes = [UInt8](repeating: idByte, count: MessageID.byteCount)
        if let last { bytes[15] = last }
        return SyncItem(created: Timestamp(milliseconds: created), id: try! MessageID(bytes: bytes))
    }

    /// The fingerprint as docs/PROTOCOL.md defines it, computed the slow way.
    static func expectedFingerprint(_ items: [SyncItem]) -> SyncFingerprint {
        var high: UInt64 = 0, low: UInt64 = 0, created: UInt64 = 0
        for item in items {
            var reader = ByteReader(item.id.bytes)
            let (itemHigh, itemLow) = (try! reader.u64("high"), try! reader.u64("low"))
            let (sum, carry) = low.addingReportingOverflow(itemLow)
            low = sum
            high = high &+ itemHigh &+ (carry ? 1 : 0)
            created = created &+ item.created.milliseconds
        }
        var writer = ByteWriter()
        writer.u64(high)
        writer.u64(low)
        writer.u64(created)
        writer.u64(UInt64(items.count))
        return try! SyncFingerprint(bytes: Array(Digests.sha256(writer.bytes).prefix(16)))
    }

    func testTheEmptyFingerprintIsTheDigestOf32ZeroBytes() {
        // SHA-256 of 32 zero bytes starts 66687aadf862bd776c8fc18b8e9f8e20.
        XCTAssertEqual(SyncItems().fingerprint(from: .zero, to: .infinity).text, "66687aadf862bd776c8fc18b8e9f8e20")
    }

    func testIdSumsWrapAt2To128() {
        let top = Self.item(5, 0xff)
        let one = Self.item(7, 0x00, last: 0x01)
        var writer = ByteWriter()
        writer.u64(0)
        writer.u64(0)
        writer.u64(12)
        writer.u64(2)
        let expected = try! SyncFingerprint(bytes: Array(Digests.sha256(writer.bytes).prefix(16)))
        XCTAssertEqual(SyncItems([top, one]).fingerprint(from: .zero, to: .infinity), expected)
        XCTAssertEqual(Self.expectedFingerprint([top, one]), expected)
    }

    func testEveryRangesFingerprintIsThatOfItsItemsAlone() {
        let all = SyncItems(SyncSets(seed: 1).items(300)).map { $0 }
        let items = SyncItems(all)
        let random = SplitMixRandom(seed: 2)
        for _ in 0..<200 {
            let a = Int(random.next() % UInt64(all.count + 1)), b = Int(random.next() % UInt64(all.count + 1))
            let (lower, upper) = (min(a, b), max(a, b))
            // Bounds between neighbours, so the range holds exactly all[lower..<upper].
            let lowerBound = lower == 0 ? SyncBound.zero : SyncBound.between(all[lower - 1], all[lower])
            let upperBound = upper == all.count ? SyncBound.infinity
                : upper == 0 ? SyncBound.zero : SyncBound.between(all[upper - 1], all[upper])
            let inRange = all.filter { !lowerBound.isAbove($0) && upperBound.isAbove($0) }
            XCTAssertEqual(inRange.count, upper - lower)
            XCTAssertEqual(items.fingerprint(from: lowerBound, to: upperBound), Self.expectedFingerprint(inRange))
        }
    }

    func testInsertAndRemoveKeepTheSumsRight() {
        let sets = SyncSets(seed: 3)
        var items = SyncItems(sets.items(100))
        var reference = Set(items)
        let random = SplitMixRandom(seed: 4)
        for step in 0..<300 {
            if random.next() % 3 == 0, !reference.isEmpty {
                // Picked from the sorted items: a Set's own order changes from run to run.
                let sorted = reference.sorted()
                let victim = sorted[Int(random.next() % UInt64(sorted.count))]
                XCTAssertTrue(items.remove(victim))
                XCTAssertFalse(items.remove(victim))
                reference.remove(victim)
            } else {
                let new = sets.item()
                XCTAssertTrue(items.insert(new))
                XCTAssertFalse(items.insert(new))
                reference.insert(new)
            }
            XCTAssertEqual(items.count, reference.count)
            if step % 10 == 0 {
                XCTAssertEqual(Array(items), reference.sorted())
                let whole = items.fingerprint(from: .zero, to: .infinity)
                XCTAssertEqual(whole, Self.expectedFingerprint(reference.sorted()))
                let middle = reference.sorted()[reference.count / 2]
                let bound = SyncBound.at(created: middle.created, idPrefix: [])
                XCTAssertEqual(
                    items.fingerprint(from: bound, to: .infinity),
                    Self.expectedFingerprint(reference.sorted().filter { !bound.isAbove($0) }))
            }
        }
    }

    func testDuplicatesAndTheReservedTimeAreDropped() {
        let item = Self.item(10, 0x42)
        let reserved = SyncItem(created: Timestamp(milliseconds: .max), id: item.id)
        var items = SyncItems([item, item, reserved])
        XCTAssertEqual(Array(items), [item])
        XCTAssertFalse(items.insert(reserved))
        XCTAssertTrue(items.contains(item))
        XCTAssertFalse(items.contains(reserved))
    }

    func testItemsSortByTimeThenId() {
        let items = SyncItems([Self.item(2, 0x01), Self.item(1, 0x09), Self.item(1, 0x02)])
        XCTAssertEqual(Array(items), [Self.item(1, 0x02), Self.item(1, 0x09), Self.item(2, 0x01)])
    }
}
