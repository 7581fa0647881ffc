import FerryNode
import FerryWire
import XCTest

final class EndpointTests: XCTestCase {
    func testParsesHostPortAndIPv6() throws {
        XCTAssertEqual(try Endpoint(parsing: "127.0.0.1:7000"), Endpoint(host: "127.0.0.1", port: 7000))
        XCTAssertEqual(try Endpoint(parsing: "[::1]:7000"), Endpoint(host: "::1", port: 7000))
        XCTAssertEqual(try Endpoint(parsing: "localhost:1"), Endpoint(host: "127.0.0.1", port: 1))
        XCTAssertEqual(Endpoint(host: "::1", port: 7).description, "[::1]:7")
    }

    func testRejectsWhatIsNotHostPort() {
        for text in ["", "7000", "host", ":7000", "127.0.0.1:", "127.0.0.1:70000", "127.0.0.1:x", "[::1]7000"] {
            XCTAssertThrowsError(try Endpoint(parsing: text), text)
        }
    }

    func testPeerSeedWithPinnedAddress() throws {
        let address = String(repeating: "ab", count: 16)
        let seed = try PeerSeed(parsing: "\(address)@127.0.0.1:7001")
        XCTAssertEqual(seed.expected, Address(text: address))
        XCTAssertEqual(seed.endpoint, Endpoint(host: "127.0.0.1", port: 7001))
        XCTAssertNil(try PeerSeed(parsing: "127.0.0.1:7001").expected)
        XCTAssertThrowsError(try PeerSeed(parsing: "nothex@127.0.0.1:7001"))
    }
}
