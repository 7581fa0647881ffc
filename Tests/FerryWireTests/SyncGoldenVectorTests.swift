import FerryWire
import XCTest

/// Pins the sync message format to bytes written out by hand from docs/PROTOCOL.md §Set
/// reconciliation (the same worked examples). As in GoldenVectorTests, a failure means the code or
/// the document is wrong: decide which, and change both together.
final class SyncGoldenVectorTests: XCTestCase {
    static let t = Fixture.created
    static func id(_ first: UInt8) -> MessageID { try! MessageID(bytes: Fixture.run(first...(first + 0x0f))) }
    static func fingerprint(_ first: UInt8) -> SyncFingerprint {
        try! SyncFingerprint(bytes: Fixture.run(first...(first + 0x0f)))
    }

    static let vectors: [(name: String, message: SyncMessage, hex: String)] = [
        (
            "nothing to say",
            SyncMessage(ranges: [SyncRange(upperBound: .infinity, mode: .skip)]),
            "01" // version
                + "00" // bound: infinity
                + "00" // mode: skip
        ),
        (
            "two fingerprints",
            SyncMessage(ranges: [
                SyncRange(upperBound: .at(created: t, idPrefix: []), mode: .fingerprint(fingerprint(0x00))),
                SyncRange(upperBound: .infinity, mode: .fingerprint(fingerprint(0x10))),
            ]),
            "01" // version
                + "b1bcff95d001" + "00" // bound: time 1 + 1700000000000 (gap from 0), empty prefix
                + "01" + "000102030405060708090a0b0c0d0e0f" // mode fingerprint, 16 bytes
                + "00" // bound: infinity
                + "01" + "101112131415161718191a1b1c1d1e1f" // mode fingerprint
        ),
        (
            "skip, then an item list",
            SyncMessage(ranges: [
                SyncRange(upperBound: .at(created: t, idPrefix: [0x01]), mode: .skip),
                SyncRange(upperBound: .infinity, mode: .itemList([
                    SyncItem(created: t, id: id(0x10)),
                    SyncItem(created: t.adding(milliseconds: 1000), id: id(0x20)),
                ])),
            ]),
            "01" // version
                + "b1bcff95d001" + "01" + "01" // bound: time 1700000000000, prefix length 1, prefix 01
                + "00" // mode: skip
                + "00" // bound: infinity
                + "02" // mode: item list
                + "02" // 2 items
                + "00" + "101112131415161718191a1b1c1d1e1f" // gap 0 from the lower bound's time, id
                + "8768" + "202122232425262728292a2b2c2d2e2f" // gap 1000 from the previous item, id
        ),
        (
            "a difference",
            SyncMessage(ranges: [
                SyncRange(
                    upperBound: .at(created: t.adding(milliseconds: 60_000), idPrefix: []),
                    mode: .difference(SyncDifference(
                        senderOnly: [SyncItem(created: t, id: id(0x30))], receiverOnlyPositions: [0, 2]))),
                SyncRange(upperBound: .infinity, mode: .skip),
            ]),
            "01" // version
                + "b1bcff99a461" + "00" // bound: time 1 + 1700000060000, empty prefix
                + "03" // mode: difference
                + "01" // 1 item the sender alone holds
                + "b1bcff95d000" + "303132333435363738393a3b3c3d3e3f" // gap 1700000000000 from 0, id
                + "02" // 2 positions of items the receiver alone holds
                + "00" + "01" // position 0, then a gap of 1: position 2
                + "00" // bound: infinity
                + "00" // mode: skip
        ),
    ]

    func testMessagesEncodeToGoldenBytes() {
        for vector in Self.vectors {
            XCTAssertEqual(Hex.encode(vector.message.encoded()), vector.hex, vector.name)
        }
    }

    func testMessagesDecodeFromGoldenBytes() throws {
        for vector in Self.vectors {
            XCTAssertEqual(try SyncMessage.decode(hex(vector.hex)), vector.message, vector.name)
        }
    }

    func testWriterPredictsEveryGoldenMessagesSize() {
        for vector in Self.vectors {
            let predicted = SyncMessageWriter().byteCount(of: vector.message.ranges)
            XCTAssertEqual(predicted + 1, hex(vector.hex).count, vector.name)
        }
    }

    func testOnlyMessagesThatAskSomethingNeedAReply() {
        XCTAssertEqual(Self.vectors.map(\.message.needsReply), [false, true, true, false])
    }

    func testVarintsAreBase128MostSignificantDigitFirst() {
        let cases: [(UInt64, String)] = [
            (0, "00"), (127, "7f"), (128, "8100"), (1000, "8768"), (4096, "a000"),
            (1_700_000_000_001, "b1bcff95d001"), (.max, "81ffffffffffffffff7f"),
        ]
        for (value, expected) in cases {
            var writer = ByteWriter()
            writer.varint(value)
            XCTAssertEqual(Hex.encode(writer.bytes), expected)
            XCTAssertEqual(Varint.byteCount(value), expected.count / 2)
            var reader = ByteReader(hex(expected))
            XCTAssertEqual(try reader.varint("test"), value)
        }
    }

    func testShortestBoundBetweenItems() {
        let a = SyncItem(created: Self.t, id: try! MessageID(bytes: [0x12, 0x34] + Array(repeating: 0xff, count: 14)))
        let b = SyncItem(created: Self.t, id: try! MessageID(bytes: [0x12, 0x35] + Array(repeating: 0x00, count: 14)))
        let later = SyncItem(created: Self.t.adding(milliseconds: 1), id: Self.id(0x00))
        // Same time: b's id up to the first byte that differs from a's.
        XCTAssertEqual(SyncBound.between(a, b), .at(created: Self.t, idPrefix: [0x12, 0x35]))
        // Different times: the later time and no prefix.
        XCTAssertEqual(SyncBound.between(b, later), .at(created: later.created, idPrefix: []))
        XCTAssertTrue(SyncBound.between(a, b).isAbove(a))
        XCTAssertFalse(SyncBound.between(a, b).isAbove(b))
    }
}
