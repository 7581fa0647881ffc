import XCTest
import FerryWire

/// Hostile bytes never trap a decoder. A trap would kill the test process, so finishing is the
/// assertion; the counts check that the inputs really reached the decoders. Seeds are fixed so a
/// failure replays; change `seed` to explore.
final class FuzzTests: XCTestCase {
    static let seed: UInt64 = 0x5EED_F322
    static let inputCount = 10_000
    static let inputBytesMax = 300

    /// Runs `bytes` through every decoder; returns how many accepted it.
    @discardableResult
    static func decodeEverywhere(_ bytes: [UInt8]) -> Int {
        var accepted = 0
        if (try? Envelope.decode(bytes)) != nil { accepted += 1 }
        if (try? SealedContent.decode(bytes)) != nil { accepted += 1 }
        if (try? Receipt.decode(bytes)) != nil { accepted += 1 }
        if (try? IdentityRecord.decode(bytes)) != nil { accepted += 1 }
        if (try? Frame.decode(payload: bytes)) != nil { accepted += 1 }
        var decoder = FrameDecoder()
        if let frames = try? decoder.push(bytes), !frames.isEmpty { accepted += 1 }
        let text = String(decoding: bytes, as: UTF8.self)
        if (try? ContactCard.decode(ContactCard.prefix + text)) != nil { accepted += 1 }
        if Address(text: text) != nil { accepted += 1 }
        if MessageID(text: text) != nil { accepted += 1 }
        _ = Hex.decode(text)
        return accepted
    }

    func testRandomGarbageNeverTraps() {
        var random = XorShift(seed: Self.seed)
        var receipts = 0
        for _ in 0..<Self.inputCount {
            let bytes = random.bytes(Int(random.next() % UInt64(Self.inputBytesMax + 1)))
            Self.decodeEverywhere(bytes)
            if bytes.count == Receipt.byteCount { receipts += 1 }
        }
        // Any 24 bytes are a receipt: evidence the inputs reached a decoder that accepts them.
        XCTAssertGreaterThan(receipts, 0, "seed \(Self.seed)")
    }

    func testRandomGarbageWithAValidFrontNeverTraps() {
        // Pure garbage rarely gets past a version byte; starting from a valid prefix reaches the
        // length fields deep inside each format.
        var random = XorShift(seed: Self.seed &+ 1)
        let fronts = StrictDecoderTests.records.map(\.bytes) + GoldenVectorTests.frames.map { hex($0.hex) }
            + [hex(GoldenVectorTests.sealedContentHex)]
        for index in 0..<Self.inputCount {
            let front = fronts[index % fronts.count]
            let cut = Int(random.next() % UInt64(front.count + 1))
            let bytes = Array(front.prefix(cut)) + random.bytes(Int(random.next() % 64))
            Self.decodeEverywhere(bytes)
            Self.decodeEverywhere(Array(bytes.dropFirst(4)))
        }
    }

    func testMutatedGoldenVectorsNeverTrap() {
        var random = XorShift(seed: Self.seed &+ 2)
        let goldens = StrictDecoderTests.records.map(\.bytes) + GoldenVectorTests.frames.map { hex($0.hex) }
            + [hex(GoldenVectorTests.sealedContentHex)]
        var accepted = 0
        for index in 0..<Self.inputCount {
            var bytes = goldens[index % goldens.count]
            for _ in 0..<(1 + random.next() % 4) {
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            accepted += Self.decodeEverywhere(bytes)
            Self.decodeEverywhere(Array(bytes.dropFirst(4)))
        }
        // Many mutations only touch opaque bytes (keys, bodies), so plenty must still decode.
        XCTAssertGreaterThan(accepted, Self.inputCount / 4)
    }

    func testMutatedSealedContentFieldsNeverTrap() {
        // Random garbage almost never has a bucket's length, so it stops at the length check. Here
        // the length stays right and the mutations land in the 110 bytes of fields (length prefixes
        // included) or just after them, which is where a decoder bug would be.
        var random = XorShift(seed: Self.seed &+ 3)
        let golden = hex(GoldenVectorTests.sealedContentHex)
        var accepted = 0
        var refused = 0
        for _ in 0..<Self.inputCount {
            var bytes = golden
            for _ in 0..<(1 + random.next() % 3) {
                bytes[Int(random.next() % 120)] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            }
            if (try? SealedContent.decode(bytes)) != nil { accepted += 1 } else { refused += 1 }
        }
        // Flips in the ack secret, record, body or signature still decode; flips in versions,
        // types, lengths and padding do not. Both must happen, or the mutations missed the fields.
        XCTAssertGreaterThan(accepted, Self.inputCount / 10, "seed \(Self.seed)")
        XCTAssertGreaterThan(refused, Self.inputCount / 10, "seed \(Self.seed)")
    }
}
