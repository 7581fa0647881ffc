import XCTest
import FerryWire

/// Addresses, message ids, timestamps and hex: the small values every format is made of.
final class ValueTests: XCTestCase {
    func testAddressTextIs32LowercaseHex() throws {
        XCTAssertEqual(Fixture.address.text, "101112131415161718191a1b1c1d1e1f")
        XCTAssertEqual(Fixture.address.description, Fixture.address.text)
        XCTAssertEqual(Fixture.address.short, "10111213")
        let high = try Address(bytes: Array(repeating: 0xab, count: 16))
        XCTAssertEqual(high.text, String(repeating: "ab", count: 16))
    }

    func testAddressTextRoundTrip() throws {
        XCTAssertEqual(Address(text: Fixture.address.text), Fixture.address)
        // Upper case is accepted on input; output is always lower case.
        XCTAssertEqual(Address(text: "101112131415161718191A1B1C1D1E1F"), Fixture.address)
    }

    func testAddressTextRejectsWrongLengthAndNonHex() {
        let good = Fixture.address.text
        XCTAssertNil(Address(text: ""))
        XCTAssertNil(Address(text: String(good.dropLast())))
        XCTAssertNil(Address(text: String(good.dropLast(2))))
        XCTAssertNil(Address(text: good + "0"))
        XCTAssertNil(Address(text: good + "00"))
        XCTAssertNil(Address(text: String(good.dropLast()) + "g"))
        XCTAssertNil(Address(text: " " + String(good.dropFirst())))
        XCTAssertNil(Address(text: "0x" + String(good.dropFirst(2))))
        // 32 characters but 31 bytes of it are one multi-byte character: not hex.
        XCTAssertNil(Address(text: String(good.dropLast(2)) + "é"))
    }

    func testMessageIDTextRoundTripAndRejection() throws {
        XCTAssertEqual(Fixture.id.text, "000102030405060708090a0b0c0d0e0f")
        XCTAssertEqual(MessageID(text: Fixture.id.text), Fixture.id)
        XCTAssertNil(MessageID(text: String(Fixture.id.text.dropLast())))
        XCTAssertNil(MessageID(text: Fixture.id.text + "ff"))
        XCTAssertNil(MessageID(text: String(Fixture.id.text.dropLast()) + "z"))
        XCTAssertNil(MessageID(text: ""))
    }

    func testOrderingIsByteOrder() throws {
        let low = try Address(bytes: [0x00] + Array(repeating: 0xff, count: 15))
        let high = try Address(bytes: [0x01] + Array(repeating: 0x00, count: 15))
        XCTAssertLessThan(low, high)
        XCTAssertLessThan(Fixture.id, try MessageID(bytes: Fixture.run(0x01...0x10)))
    }

    func testTimestampAddingSaturates() {
        let near = Timestamp(milliseconds: .max - 10)
        XCTAssertEqual(near.adding(milliseconds: 10).milliseconds, .max)
        XCTAssertEqual(near.adding(milliseconds: 11).milliseconds, .max)
        XCTAssertEqual(near.adding(milliseconds: .max).milliseconds, .max)
        XCTAssertEqual(Timestamp(milliseconds: 5).adding(milliseconds: 7).milliseconds, 12)
    }

    func testTimestampSinceIsZeroForLaterEarlier() {
        let a = Timestamp(milliseconds: 100)
        let b = Timestamp(milliseconds: 250)
        XCTAssertEqual(b.since(a), 150)
        XCTAssertEqual(a.since(b), 0)
        XCTAssertLessThan(a, b)
    }

    func testHexRejectsOddLengthAndNonHex() {
        XCTAssertEqual(Hex.decode(""), [])
        XCTAssertEqual(Hex.decode("00ffA0"), [0x00, 0xff, 0xa0])
        XCTAssertNil(Hex.decode("0"))
        XCTAssertNil(Hex.decode("0g"))
        XCTAssertNil(Hex.decode("-1"))
        XCTAssertEqual(Hex.encode([0x00, 0x0f, 0xf0, 0xff]), "000ff0ff")
    }

    func testByteReaderThrowsInsteadOfTrapping() {
        var reader = ByteReader([1, 2, 3])
        XCTAssertWireError(try reader.u32("x"), .truncated(field: "x"))
        XCTAssertWireError(try reader.raw(-1, "negative"), .truncated(field: "negative"))
        XCTAssertWireError(try reader.raw(Int.max, "huge"), .truncated(field: "huge"))
        XCTAssertEqual(try reader.u16("y"), 0x0102)
        XCTAssertWireError(try reader.expectEnd(), .trailingBytes(count: 1))
        XCTAssertEqual(reader.rest(), [3])
        XCTAssertEqual(reader.rest(), [])
        XCTAssertWireError(try reader.u8("z"), .truncated(field: "z"))
    }

    func testByteWriterIsBigEndian() {
        var writer = ByteWriter()
        writer.u16(0x0102)
        writer.u32(0x0304_0506)
        writer.u64(0x0708_090a_0b0c_0d0e)
        writer.bytes16([0xaa])
        writer.bytes32([0xbb])
        XCTAssertEqual(Hex.encode(writer.bytes), "0102" + "03040506" + "0708090a0b0c0d0e" + "0001aa" + "00000001bb")
    }
}
