import FerryWire
import XCTest

/// The sync message decoder refuses everything but the one canonical encoding of a valid message,
/// and never traps or allocates on a count it has not checked.
final class SyncMessageDecoderTests: XCTestCase {
    static let t = "b1bcff95d001" // bound time 1700000000000, gap from 0
    static let fingerprint = String(repeating: "ab", count: 16)
    static let id = "101112131415161718191a1b1c1d1e1f"

    /// Each case: name, hex, expected error case.
    static let refused: [(String, String, String)] = [
        ("empty", "", "truncated"),
        ("version only", "01", "truncated"),
        ("version 2", "02" + "0000", "unsupportedVersion"),
        ("no infinity at the end", "01" + t + "00" + "01" + fingerprint, "truncated"),
        ("trailing bytes", "01" + "0000" + "00", "trailingBytes"),
        ("unknown mode", "01" + "00" + "04", "invalid"),
        ("bound at zero", "01" + "01" + "00" + "00" + "00" + "01" + fingerprint, "invalid"),
        ("bounds not ascending", "01" + t + "00" + "01" + fingerprint + "01" + "00" + "01" + fingerprint
            + "0000", "invalid"),
        ("prefix of 17 bytes", "01" + t + "11" + String(repeating: "01", count: 17) + "0000", "tooLong"),
        ("prefix ending in zero", "01" + t + "02" + "0100" + "00" + "0000", "invalid"),
        ("smaller prefix at the same time", "01" + t + "01" + "05" + "01" + fingerprint + "01" + "01" + "03"
            + "01" + fingerprint + "0000", "invalid"),
        ("non-minimal varint", "01" + "8001" + "00" + "01" + fingerprint + "0000", "invalid"),
        ("varint over 64 bits", "01" + "82ffffffffffffffff7f" + "00" + "0000", "invalid"),
        ("varint over 10 bytes", "01" + "81ffffffffffffffffff7f" + "00" + "0000", "invalid"),
        ("bound time 2^64 - 1", "01" + "81ffffffffffffffff7f" + "00" + "00" + "0000", "invalid"),
        ("adjacent skips", "01" + t + "00" + "00" + "00" + "00", "invalid"),
        ("fingerprint cut short", "01" + "00" + "01" + "abab", "truncated"),
        ("item list over the limit", "01" + "00" + "02" + "a001", "invalid"),
        ("item list longer than the bytes", "01" + "00" + "02" + "05" + "00" + id, "truncated"),
        ("items not ascending", "01" + "00" + "02" + "02" + "05" + id + "00" + id, "invalid"),
        ("item below its range", "01" + t + "01" + "20" + "00" + "00" + "02" + "01" + "00" + id, "invalid"),
        ("item above its range", "01" + t + "00" + "02" + "01" + "b1bcff95d000" + id + "0000", "invalid"),
        ("empty difference", "01" + "00" + "03" + "00" + "00", "invalid"),
        ("position at the limit", "01" + "00" + "03" + "00" + "01" + "a000", "invalid"),
        ("positions past the limit", "01" + "00" + "03" + "00" + "02" + "9f7f" + "00", "invalid"),
        ("positions longer than the bytes", "01" + "00" + "03" + "00" + "05" + "00", "truncated"),
    ]

    func testRefusesEveryMalformedMessage() {
        for (name, text, expected) in Self.refused {
            do {
                let message = try SyncMessage.decode(hex(text))
                XCTFail("\(name): decoded \(message)")
            } catch {
                XCTAssertEqual(error.caseName, expected, "\(name): \(error)")
            }
        }
    }

    func testRefusesAMessageOverTheByteLimitBeforeReadingIt() {
        let bytes = [SyncMessage.version] + [UInt8](repeating: 0, count: WireLimits.syncMessageBytesMax)
        XCTAssertWireError(
            try SyncMessage.decode(bytes),
            .tooLong(field: "sync message", length: bytes.count, max: WireLimits.syncMessageBytesMax))
    }

    func testRefusesMoreRangesThanTheLimit() throws {
        func message(ranges count: Int) -> SyncMessage {
            let ranges = (1..<count).map { index in
                let bound = SyncBound.at(created: Timestamp(milliseconds: UInt64(index)), idPrefix: [])
                return SyncRange(upperBound: bound, mode: .itemList([]))
            }
            return SyncMessage(ranges: ranges + [SyncRange(upperBound: .infinity, mode: .itemList([]))])
        }
        let atLimit = message(ranges: WireLimits.syncRangesPerMessageMax)
        XCTAssertEqual(try SyncMessage.decode(atLimit.encoded()), atLimit)
        XCTAssertWireError(
            try SyncMessage.decode(message(ranges: WireLimits.syncRangesPerMessageMax + 1).encoded()),
            .invalid(field: "sync ranges", reason: "more than \(WireLimits.syncRangesPerMessageMax)"))
    }

    func testTheLargestListsRoundTrip() throws {
        let items = (0..<WireLimits.syncItemsPerListMax).map { index in
            SyncItem(created: Timestamp(milliseconds: UInt64(index)), id: Fixture.id)
        }
        let message = SyncMessage(ranges: [
            SyncRange(upperBound: .infinity, mode: .difference(SyncDifference(
                senderOnly: items, receiverOnlyPositions: Array(0..<WireLimits.syncItemsPerListMax)))),
        ])
        XCTAssertLessThanOrEqual(message.encoded().count, WireLimits.syncMessageBytesMax)
        XCTAssertEqual(try SyncMessage.decode(message.encoded()), message)
    }

    // MARK: - Hostile bytes

    func testRandomBytesNeverTrap() {
        var random = XorShift(seed: FuzzTests.seed &+ 10)
        // Bytes drawn mostly from the values that mean something here (small counts and modes,
        // varint continuations), so that random input gets past the first range.
        let alphabet: [UInt8] = [0x00, 0x00, 0x01, 0x02, 0x03, 0x7f, 0x80, 0x81, 0xff]
        var errors: Set<String> = []
        var decoded = 0
        for _ in 0..<FuzzTests.inputCount {
            let count = Int(random.next() % 200)
            let bytes = [SyncMessage.version] + (0..<count).map { _ in
                random.next() % 2 == 0
                    ? alphabet[Int(random.next() % UInt64(alphabet.count))] : UInt8(truncatingIfNeeded: random.next())
            }
            do {
                _ = try SyncMessage.decode(bytes)
                decoded += 1
            } catch {
                errors.insert(error.caseName + " " + (error.description.split(separator: ":").first ?? ""))
            }
        }
        // Evidence that the inputs reached deep into the format, not only its first byte.
        XCTAssertGreaterThan(decoded, 0, "seed \(FuzzTests.seed &+ 10)")
        XCTAssertGreaterThan(errors.count, 8, "\(errors)")
    }

    func testMutatedGoldenMessagesNeverTrapAndWhatDecodesReencodesTheSame() throws {
        var random = XorShift(seed: FuzzTests.seed &+ 11)
        let goldens = SyncGoldenVectorTests.vectors.map { hex($0.hex) }
        for index in 0..<FuzzTests.inputCount {
            var bytes = goldens[index % goldens.count]
            for _ in 0..<(1 + random.next() % 3) {
                let position = Int(random.next() % UInt64(bytes.count))
                bytes[position] = UInt8(truncatingIfNeeded: random.next())
            }
            if random.next() % 4 == 0 { bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count)))) }
            // The decoder accepts one encoding per message, so anything it accepts re-encodes to itself.
            if let message = try? SyncMessage.decode(bytes) {
                XCTAssertEqual(message.encoded(), bytes, "seed \(FuzzTests.seed &+ 11), input \(index)")
            }
        }
    }
}
