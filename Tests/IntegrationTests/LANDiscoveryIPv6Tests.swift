import FerryControl
import Foundation
import XCTest

/// Nodes on a LAN with no IPv4 at all find each other by IPv6 link-local beacons: three hosts on a
/// bridge with only their fe80 addresses, two nodes listening on `[::]:7000` and the third on its
/// own scoped link-local address (`[fe80::…%interface]:7000`), none with a `--peer`; the links form
/// to scoped addresses, and a message from the first to the third arrives. A fourth node listening on `0.0.0.0` sends no IPv6 beacons (nothing could dial it back),
/// so it stays alone.
final class LANDiscoveryIPv6Tests: NetnsLabTestCase {
    func testHostsWithOnlyLinkLocalIPv6FindEachOtherByBeaconsAndDeliver() throws {
        let lab = try makeLab(hosts: 4, ipv4: false)
        for host in lab.hostNumbers {
            let ipv4 = try NetnsTool.ip(["-n", lab.namespace(of: host), "-o", "-4", "addr", "show", "dev", lab.interface(of: host)])
            XCTAssertEqual(ipv4.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "", "host \(host) has no IPv4, so IPv4 beacons cannot work")
            XCTAssertTrue(try lab.linkLocalAddress(of: host).hasPrefix("fe80:"))
        }
        var nodes: [FerryNodeProcess] = []
        for host in lab.hostNumbers {
            let node = try makeNode("h\(host)")
            node.launcher = { executable, arguments in try lab.command(host: host, executable: executable, arguments: arguments) }
            node.extraRunArguments = []
            nodes.append(node)
        }
        let (first, last, ipv4Only) = (nodes[0], nodes[2], nodes[3])
        try first.addContact(last)
        // The IPv4-only node first: its start-up beacon, if it sent one, would come before the others listen.
        try ipv4Only.start(listen: "0.0.0.0:7000")
        for node in nodes.prefix(2) { try node.start(listen: "[::]:7000") }
        let scoped = "\(try lab.linkLocalAddress(of: 3))%\(lab.interface(of: 3))"
        try last.start(listen: "[\(scoped)]:7000")
        XCTAssertEqual(try last.status().listen, "[\(scoped)]:7000")

        try waitUntil("the three IPv6 nodes have each linked to another by IPv6 beacons", seconds: 30) {
            try nodes.prefix(3).allSatisfy { try $0.status().links >= 1 }
        }
        let peers = try first.peersJSON().filter(\.established)
        XCTAssertTrue(peers.allSatisfy { $0.foundBy == "beacon" || $0.foundBy == "inbound" }, "\(peers)")
        let scope = "%\(lab.interface(of: 1))]"
        XCTAssertTrue(peers.allSatisfy { $0.endpoint.hasPrefix("[fe80:") && $0.endpoint.contains(scope) },
                      "linked over link-local addresses with host 1's interface as scope: \(peers.map(\.endpoint))")
        let discovery = try XCTUnwrap(first.statusJSON().discovery)
        XCTAssertTrue(discovery.beacons)
        XCTAssertGreaterThan(discovery.beaconsSent, 0)
        XCTAssertGreaterThan(discovery.beaconsHeard, 0)
        XCTAssertEqual(discovery.beaconsRejected, 0)
        // Each node beacons on its one link: [::] on every link with a link-local address, the
        // scoped listener on the link its scope names.
        for (index, node) in nodes.prefix(3).enumerated() {
            let line = "IPv6 beacons on [ff12::feed:7171]:7171 via \(lab.interface(of: index + 1))"
            XCTAssertEqual(node.logCount(line), 1, "\(node.name): \(node.logTail())")
        }

        let id = try send(from: first, to: last.name, "found you over fe80")
        let proof = try first.waitForReceipt(id, seconds: 30)
        XCTAssertEqual(proof.delivered, true)
        XCTAssertEqual(try last.inbox().map(\.id), [id])

        // 0.0.0.0 with no IPv4 address: no beacons of either family, and nobody linked to it.
        let alone = try XCTUnwrap(ipv4Only.statusJSON().discovery)
        XCTAssertFalse(alone.beacons, "listening on 0.0.0.0 sends no IPv6 beacons")
        XCTAssertEqual(alone.beaconsHeard, 0, "nor joins the IPv6 group")
        XCTAssertEqual(try ipv4Only.status().links, 0)
        for node in nodes.prefix(3) {
            XCTAssertFalse(try node.peerLinks().contains { $0.address == ipv4Only.address }, "\(node.name) never heard of it")
        }
    }
}
