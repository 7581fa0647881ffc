import FerryCore
import FerryWire
import XCTest

/// Random bytes, mutated honest messages and random well-formed lies never trap `respond`, and
/// whatever it answers stays within the limits and decodes. Seeds are fixed so a failure replays.
final class ReconcilerFuzzTests: XCTestCase {
    static let seed: UInt64 = 0x5EED_5C
    static let inputCount = 1000
    static let ours = Array(SyncItems(SyncSets(seed: 50).items(3000)))
    static let items = SyncItems(ours)

    /// Feeds `bytes` to a fresh reconciler; checks any reply. Returns whether it was accepted.
    @discardableResult
    static func feed(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> Bool {
        var reconciler = Reconciler(items: items)
        guard let step = try? reconciler.respond(toEncoded: bytes) else {
            XCTAssertEqual(reconciler.state, .failed, file: file, line: line)
            return false
        }
        if let reply = step.reply {
            let encoded = reply.encoded()
            XCTAssertLessThanOrEqual(encoded.count, WireLimits.syncMessageBytesMax, file: file, line: line)
            XCTAssertEqual(try? SyncMessage.decode(encoded), reply, file: file, line: line)
        }
        return true
    }

    func testRandomBytesNeverTrap() {
        let random = SplitMixRandom(seed: Self.seed)
        for _ in 0..<Self.inputCount {
            var bytes = random.bytes(Int(random.next() % 300))
            if !bytes.isEmpty, random.next() % 2 == 0 { bytes[0] = SyncMessage.version }
            Self.feed(bytes)
        }
    }

    func testMutatedHonestMessagesNeverTrap() throws {
        let sets = SyncSets(seed: 51)
        let pair = sets.pair(common: 2000, onlyA: 30, onlyB: 30)
        var messages: [[UInt8]] = []
        var a = Reconciler(items: pair.a), b = Reconciler(items: pair.b)
        var message = a.initiate()
        var toB = true
        while true {
            messages.append(message.encoded())
            guard let reply = try (toB ? b.respond(to: message) : a.respond(to: message)).reply else { break }
            message = reply
            toB.toggle()
        }
        let random = SplitMixRandom(seed: Self.seed &+ 1)
        var accepted = 0
        for index in 0..<Self.inputCount {
            var bytes = messages[index % messages.count]
            for _ in 0..<(1 + random.next() % 4) {
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            if Self.feed(bytes) { accepted += 1 }
        }
        // Mutated fingerprints and times still decode: lies reach the reconciler, not only the decoder.
        XCTAssertGreaterThan(accepted, Self.inputCount / 10)
    }

    func testRandomWellFormedLiesNeverTrap() throws {
        let random = SplitMixRandom(seed: Self.seed &+ 2)
        var refused = 0
        for _ in 0..<Self.inputCount {
            let message = Self.lie(random)
            let bytes = message.encoded()
            XCTAssertEqual(try SyncMessage.decode(bytes), message, "the generator made an invalid message")
            if !Self.feed(bytes) { refused += 1 }
        }
        // Some lies are caught (a difference naming an item we hold, a position past our items);
        // the rest are answered like any question.
        XCTAssertGreaterThan(refused, 0)
        XCTAssertLessThan(refused, Self.inputCount)
    }

    /// A message that keeps every wire rule but says random things about random ranges.
    static func lie(_ random: SplitMixRandom) -> SyncMessage {
        var bounds: Set<SyncBound> = []
        for _ in 0..<(random.next() % 12) {
            if random.next() % 2 == 0 {
                let index = 1 + Int(random.next() % UInt64(ours.count - 1))
                bounds.insert(.between(ours[index - 1], ours[index]))
            } else {
                var prefix = random.bytes(Int(random.next() % 3))
                if let last = prefix.last, last == 0 { prefix[prefix.count - 1] = 1 }
                let time = SyncSets.start + random.next() % SyncSets.weekMilliseconds
                bounds.insert(.at(created: Timestamp(milliseconds: time), idPrefix: prefix))
            }
        }
        let uppers = bounds.filter { $0 > .zero }.sorted() + [.infinity]
        var ranges: [SyncRange] = []
        var lower = SyncBound.zero
        for upper in uppers {
            let inside = Array(ours[position(of: lower)..<max(position(of: lower), position(of: upper))])
            var mode = randomMode(random, inside: inside, lower: lower, upper: upper)
            if mode == .skip, ranges.last?.mode == .skip { mode = .itemList([]) }
            ranges.append(SyncRange(upperBound: upper, mode: mode))
            lower = upper
        }
        return SyncMessage(ranges: ranges)
    }

    /// Where `bound` falls in `ours`: the first item at or above it.
    static func position(of bound: SyncBound) -> Int {
        var low = 0, high = ours.count
        while low < high {
            let middle = (low + high) / 2
            if bound.isAbove(ours[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    static func randomMode(
        _ random: SplitMixRandom, inside: [SyncItem], lower: SyncBound, upper: SyncBound
    ) -> SyncMode {
        // Items in the range: some of ours, some made up next to ours (same time, random id).
        func someItems() -> [SyncItem] {
            var picked: Set<SyncItem> = []
            for _ in 0..<(random.next() % 8) where !inside.isEmpty {
                let near = inside[Int(random.next() % UInt64(inside.count))]
                let made = SyncItem(created: near.created, id: try! MessageID(bytes: random.bytes(16)))
                picked.insert(random.next() % 2 == 0 ? near : made)
            }
            return picked.filter { !lower.isAbove($0) && upper.isAbove($0) }.sorted()
        }
        switch random.next() % 4 {
        case 0:
            return .skip
        case 1:
            let fingerprint = random.next() % 2 == 0
                ? items.fingerprint(from: lower, to: upper) : try! SyncFingerprint(bytes: random.bytes(16))
            return .fingerprint(fingerprint)
        case 2:
            return .itemList(someItems())
        default:
            var positions: [Int] = []
            var next = 0
            for _ in 0..<(random.next() % 4) {
                next += Int(random.next() % 5)
                positions.append(next)
                next += 1
            }
            let senderOnly = someItems()
            if senderOnly.isEmpty, positions.isEmpty { positions = [0] }
            return .difference(SyncDifference(senderOnly: senderOnly, receiverOnlyPositions: positions))
        }
    }
}
