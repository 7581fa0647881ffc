import FerryLoop
@testable import FerryNode
import XCTest

/// Which beacons a listen address allows, and on which links IPv6 beacons go.
final class BeaconPlanTests: XCTestCase {
    func testEachListenAddressGetsTheFamiliesAPeerCouldDialBack() {
        XCTAssertEqual(BeaconPlan(listenHost: "0.0.0.0"), BeaconPlan(ipv4: true, ipv4Interface: nil, ipv6: nil), "IPv4 only: no IPv6 beacons")
        XCTAssertEqual(BeaconPlan(listenHost: "198.18.0.1"), BeaconPlan(ipv4: true, ipv4Interface: "198.18.0.1", ipv6: nil))
        XCTAssertEqual(BeaconPlan(listenHost: "::"), BeaconPlan(ipv4: true, ipv4Interface: nil, ipv6: .everyLink), "dual stack: both")
        XCTAssertEqual(BeaconPlan(listenHost: "fe80::1%eth0"), BeaconPlan(ipv4: false, ipv4Interface: nil, ipv6: .address("fe80::1%eth0")))
        XCTAssertEqual(BeaconPlan(listenHost: "2001:db8::1"), BeaconPlan(ipv4: false, ipv4Interface: nil, ipv6: .address("2001:db8::1")))
        for loopback in ["127.0.0.1", "127.1.2.3", "::1"] {
            XCTAssertEqual(BeaconPlan(listenHost: loopback), BeaconPlan(ipv4: false, ipv4Interface: nil, ipv6: nil), loopback)
        }
    }

    func testIPv6BeaconsGoOnUpMulticastLinksThatHaveTheAddress() {
        let links = [
            link("lo", 1, loopback: true, ["127.0.0.1", "::1"]),
            link("eth0", 2, ["198.18.0.1", "2001:db8::1", "fe80::1%eth0"]),
            link("eth1", 3, ["fe80::2%eth1"]),
            link("wg0", 4, multicast: false, ["fe80::3%wg0"]),
            link("eth2", 5, running: false, ["fe80::4%eth2"]),
            link("eth3", 6, ["198.18.0.6"]),
            link("eth4", 7, up: false, ["fe80::5%eth4"]),
        ]
        func names(_ host: String) -> [String] { BeaconPlan(listenHost: host).ipv6Interfaces(links).map(\.name) }
        XCTAssertEqual(names("::"), ["eth0", "eth1"], "every up, running, multicast link with a link-local address")
        XCTAssertEqual(names("fe80::2%eth1"), ["eth1"], "the link of a scoped listen address")
        XCTAssertEqual(names("2001:db8::1"), ["eth0"], "the link holding a global listen address")
        XCTAssertEqual(names("2001:db8::9"), [], "an address no link has")
        XCTAssertEqual(names("fe80::3%wg0"), [], "no multicast on that link")
        XCTAssertEqual(names("0.0.0.0"), [], "IPv4 only")
        XCTAssertEqual(names("::1"), [])
    }

    func testTheGroupIsATransientLinkLocalOne() throws {
        // ff12::/16: flags T=1 (not IANA-assigned), scope 2 (link-local); a real multicast literal.
        XCTAssertEqual(IPv6Beacons.group, "ff12::feed:7171")
        XCTAssertEqual(try IPLiteral.canonical(IPv6Beacons.group), IPv6Beacons.group)
        XCTAssertEqual(Node.beaconPort, 7171)
    }

    func testASenderIsReadWithItsScope() {
        XCTAssertEqual(Node.host(of: "[fe80::2%eth0]:7171"), "fe80::2%eth0")
        XCTAssertEqual(Node.host(of: "198.18.0.2:7171"), "198.18.0.2")
        XCTAssertEqual(Node.host(of: "[2001:db8::2]:40000"), "2001:db8::2")
    }

    private func link(
        _ name: String, _ index: UInt32, up: Bool = true, running: Bool = true, multicast: Bool = true, loopback: Bool = false,
        _ addresses: [String]
    ) -> NetworkInterface {
        NetworkInterface(
            name: name, index: index, isUp: up, isRunning: running, supportsMulticast: multicast, isLoopback: loopback,
            addresses: addresses)
    }
}
