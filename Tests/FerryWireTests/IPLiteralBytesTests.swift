import FerryWire
import XCTest

/// The IP literals peer exchange turns into entry bytes: every form a link can report, and nothing else.
final class IPLiteralBytesTests: XCTestCase {
    private func v6(_ groups: [UInt16]) -> [UInt8] { groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] } }

    func testIPv6FormsParseToTheirSixteenBytes() {
        let cases: [(String, [UInt16])] = [
            ("2001:db8::5", [0x2001, 0xdb8, 0, 0, 0, 0, 0, 5]),
            ("2001:0db8:0000:0000:0000:0000:0000:0005", [0x2001, 0xdb8, 0, 0, 0, 0, 0, 5]),
            ("::1", [0, 0, 0, 0, 0, 0, 0, 1]),
            ("::", [0, 0, 0, 0, 0, 0, 0, 0]),
            ("2001:db8::", [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]),
            ("1:2:3:4:5:6:7::", [1, 2, 3, 4, 5, 6, 7, 0]),
            ("::2:3:4:5:6:7:8", [0, 2, 3, 4, 5, 6, 7, 8]),
            ("FD00:ABCD::1", [0xfd00, 0xabcd, 0, 0, 0, 0, 0, 1]),
            ("::ffff:198.18.0.2", [0, 0, 0, 0, 0, 0xffff, 0xc612, 0x0002]),
            ("64:ff9b::198.18.0.2", [0x64, 0xff9b, 0, 0, 0, 0, 0xc612, 0x0002]),
        ]
        for (text, groups) in cases {
            XCTAssertEqual(IPLiteralBytes.ipv6(text), v6(groups), text)
            XCTAssertEqual(EndpointEntry.ip(text), v6(groups), text)
        }
    }

    func testAnythingElseIsRefused() {
        let bad = [
            "", ":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "12345::1",
            "g::1", ":1::", "1::2:", "fe80::1%eth0", "::1.2.3", "::1.2.3.4:5", "198.18.0.2", "example.org",
            "２００１::1", "[2001:db8::5]", "2001:db8::5 ", "1.2.3.4::",
        ]
        for text in bad { XCTAssertNil(IPLiteralBytes.ipv6(text), text) }
    }

    func testIPv4StaysAsItWas() {
        XCTAssertEqual(EndpointEntry.ip("198.18.0.2"), [198, 18, 0, 2])
        for text in ["198.18.0", "198.18.0.256", "1.2.3.4.5", "01234.1.1.1", "a.b.c.d", "١.2.3.4"] {
            XCTAssertNil(EndpointEntry.ipv4(text), text)
        }
    }
}
