import FerryControl
import Foundation
import XCTest

/// Nodes on one LAN find each other with no configuration: four hosts on a bridge, each with a node
/// listening on its LAN address and no `--peer`; LAN beacons bring the links, and a message from
/// the first to the last arrives (directly, or over a relay if the links formed so).
final class LANDiscoveryTests: NetnsLabTestCase {
    func testFourHostsWithNoPeersFindEachOtherAndDeliver() throws {
        let lab = try makeLab(hosts: 4)
        var nodes: [FerryNodeProcess] = []
        for host in lab.hostNumbers {
            let node = try makeNode("h\(host)")
            node.launcher = { executable, arguments in try lab.command(host: host, executable: executable, arguments: arguments) }
            node.extraRunArguments = []
            nodes.append(node)
        }
        let (first, last) = (nodes[0], nodes[3])
        try first.addContact(last)
        for (index, node) in nodes.enumerated() { try node.start(listen: "\(lab.address(of: index + 1)):7000") }

        try waitUntil("every node has linked to at least one other by beacons", seconds: 30) {
            try nodes.allSatisfy { try $0.status().links >= 1 }
        }
        let peers = try first.peersJSON().filter(\.established)
        XCTAssertTrue(peers.allSatisfy { $0.foundBy == "beacon" || $0.foundBy == "inbound" }, "\(peers)")
        let discovery = try XCTUnwrap(first.statusJSON().discovery)
        XCTAssertTrue(discovery.enabled)
        XCTAssertGreaterThan(discovery.beaconsSent, 0)
        XCTAssertGreaterThan(discovery.beaconsHeard, 0)

        let id = try send(from: first, to: last.name, "found you on the LAN")
        let proof = try first.waitForReceipt(id, seconds: 30)
        XCTAssertEqual(proof.delivered, true)
        XCTAssertEqual(try last.inbox().map(\.id), [id])
    }
}
