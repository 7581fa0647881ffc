import FerryControl
import FerryCrypto
import FerryWire
import Foundation
import XCTest

/// Hostile input for discovery, against real nodes. LAN beacons: three nodes on a namespace lab
/// find each other while a fourth host multicasts garbage, oversized datagrams, badly signed,
/// stale and future beacons and a burst of 2,000 to the beacon port. Links
/// (DiscoveryHostileTests+Links): a stranger that completes hello floods a node with announces
/// and `endpoints` frames; and endpoints a stranger makes the node dial must not stall it (an
/// endpoint backing off whose peer linked inbound; a dialled peer that never finishes a sync).
/// Every case ends with the node running, the rejections counted, its log short, and a real link
/// delivering a message. The link cases run on 127.0.0.1; the class needs namespaces for the first.
final class DiscoveryHostileTests: NetnsLabTestCase {
    static let attacker = 4
    /// The TCP port the hostile beacons name: nothing listens on it.
    static let hostilePort: UInt16 = 7999
    static let floodDatagrams = 2000
    /// Lines a node may add to its log while under attack: the beacon path logs no rejection,
    /// so anything near this would be a line per datagram.
    static let attackLogLinesMax = 20

    func testHostileBeaconsAreCountedAndTheLANStillLinksAndDelivers() throws {
        let python = try NetnsProbe.python3()
        let lab = try makeLab(hosts: 4)
        let nodes = try (1...3).map { host in
            let node = try makeNode("h\(host)")
            node.extraRunArguments = []  // discovery on: the harness turns it off by default
            node.launcher = { executable, arguments in try lab.command(host: host, executable: executable, arguments: arguments) }
            return node
        }
        try nodes[0].addContact(nodes[2])
        for (index, node) in nodes.enumerated() { try node.start(listen: "\(lab.address(of: index + 1)):7000") }
        try waitUntil("the three nodes are linked to each other by beacons", seconds: 30) {
            try nodes.allSatisfy { try $0.status().links == 2 }
        }
        let startJSON = try nodes.map { try XCTUnwrap($0.statusJSON().discovery) }
        let endpoints = startJSON.map(\.knownEndpoints)
        let logLines = nodes.map { $0.logText().split(separator: "\n").count }
        let pids = try nodes.map { try XCTUnwrap($0.child?.pid) }
        let mallory = try NodeIdentity.generate()
        let multicast = { (datagrams: [(count: Int, bytes: [UInt8])]) in
            try HostileBeacons.send(datagrams, from: Self.attacker, of: lab, python: python)
        }

        // First, while host 4's budget at each node is full: refused for what they are.
        try expectRejected(1, at: nodes, "a validly signed beacon an hour old") {
            try multicast([(1, try HostileBeacons.signed(mallory, port: Self.hostilePort, offsetMilliseconds: -3_600_000))])
        }
        try expectRejected(1, at: nodes, "a validly signed beacon an hour ahead") {
            try multicast([(1, try HostileBeacons.signed(mallory, port: Self.hostilePort, offsetMilliseconds: 3_600_000))])
        }
        try expectRejected(1, at: nodes, "a fresh beacon with a bad signature") {
            try multicast([(1, try HostileBeacons.badlySigned(mallory, port: Self.hostilePort))])
        }
        let garbage = try HostileBeacons.garbage(mallory)
        try expectRejected(garbage.count, at: nodes, "\(garbage.count) malformed datagrams") { try multicast(garbage.map { (1, $0) }) }
        // Longer than the socket reads: dropped by UDPSocket before the core sees them; the empty
        // datagram after them is the marker that they have been dealt with.
        let oversized = try expectRejected(1...(1 + 3), at: nodes, "3 oversized datagrams and an empty one") {
            try multicast(HostileBeacons.oversized().map { (1, $0) } + [(1, [])])
        }
        print("beacons_rejected grew by \(oversized) for 3 oversized datagrams (1472 < size ≤ 65507) and one empty datagram")
        XCTAssertEqual(try nodes.map { try XCTUnwrap($0.status().discovery).knownEndpoints }, endpoints, "nothing hostile was learnt")

        // The burst, then a fresh valid beacon from host 4 until every node hears it: the budget
        // for host 4 came back, and (one socket, in order) the burst has been read.
        let beforeFlood = try rejected(nodes)
        let heard = try nodes.map { try XCTUnwrap($0.status().discovery).beaconsHeard }
        let cpu = pids.map(ProcessProbe.cpuMilliseconds)
        try multicast([(Self.floodDatagrams, try HostileBeacons.badlySigned(mallory, port: Self.hostilePort))])
        try resendUntilHeard(at: nodes, endpoints: endpoints) {
            try multicast([(1, try HostileBeacons.signed(mallory, port: Self.hostilePort))])
        }
        let floodCPU = zip(pids, cpu).map { ProcessProbe.cpuMilliseconds(of: $0) - $1 }
        let flood = zip(try rejected(nodes), beforeFlood).map { $0 - $1 }
        print("a burst of \(Self.floodDatagrams) badly signed beacons: beacons_rejected grew by \(flood) (the kernel drops what overflows the socket buffer); CPU of each node from the burst until host 4 was heard again: \(floodCPU) ms")
        for growth in flood { XCTAssertTrue((1...(Self.floodDatagrams + 40)).contains(growth), "\(flood)") }
        let attackLines = zip(nodes, logLines).map { $0.logText().split(separator: "\n").count - $1 }
        XCTAssertTrue(attackLines.allSatisfy { $0 <= Self.attackLogLinesMax }, "log lines added during the attack: \(attackLines)")

        // Real beacons are still heard (two neighbours beacon every 5 s ± 25 %), links stay up and deliver.
        try waitUntil("every node hears its neighbours' beacons again", seconds: 15) {
            try zip(nodes, heard).allSatisfy { node, before in try XCTUnwrap(node.status().discovery).beaconsHeard >= before + 3 }
        }
        for (index, node) in nodes.enumerated() {
            XCTAssertTrue(node.isRunning, "\(node.name) runs")
            let shown = try XCTUnwrap(node.statusJSON().discovery)
            XCTAssertGreaterThan(shown.beaconsRejected, startJSON[index].beaconsRejected + Self.floodDatagrams / 100, "ferry status --json")
            XCTAssertEqual(try node.status().links, 2, "\(node.name) is still linked to both others")
        }
        let id = try send(from: nodes[0], to: nodes[2].name, "through the noise")
        XCTAssertEqual(try nodes[0].waitForReceipt(id, seconds: 30).delivered, true)
        XCTAssertEqual(try nodes[2].inbox().map(\.id), [id])
    }

    // MARK: Helpers

    /// Sends a fresh valid beacon from host 4 once a second (a node takes 2 a second from one
    /// host) until every node has learnt host 4's endpoint.
    private func resendUntilHeard(at nodes: [FerryNodeProcess], endpoints: [Int], _ beacon: () throws -> Void) throws {
        for _ in 0..<Self.resendsMax {
            try beacon()
            let learnt: Void? = try? waitUntil("every node learnt host 4's endpoint", seconds: 1) {
                try nodes.enumerated().allSatisfy { index, node in
                    try XCTUnwrap(node.status().discovery).knownEndpoints == endpoints[index] + 1
                }
            }
            if learnt != nil { return }
        }
        throw HarnessError("host 4's fresh beacon was not heard by every node within \(Self.resendsMax) tries")
    }

    static let resendsMax = 20

    /// Runs `attack` and waits until every node's `beacons_rejected` grew by `count`; fails if it grew by more.
    private func expectRejected(_ count: Int, at nodes: [FerryNodeProcess], _ what: String, _ attack: () throws -> Void) throws {
        let growth = try expectRejected(count...count, at: nodes, what, attack)
        XCTAssertEqual(growth, count, what)
    }

    /// Runs `attack`, waits until every node's `beacons_rejected` grew by at least the lower bound
    /// of `range`, and returns the largest growth seen (checked against the upper bound).
    @discardableResult
    private func expectRejected(_ range: ClosedRange<Int>, at nodes: [FerryNodeProcess], _ what: String, _ attack: () throws -> Void) throws -> Int {
        let before = try rejected(nodes)
        try attack()
        try waitUntil("every node counts \(what) in beacons_rejected", seconds: 10) {
            try zip(self.rejected(nodes), before).allSatisfy { $0 - $1 >= range.lowerBound }
        }
        let growth = zip(try rejected(nodes), before).map { $0 - $1 }.max() ?? 0
        XCTAssertTrue(range.contains(growth), "\(what): beacons_rejected grew by \(growth), expected \(range)")
        return growth
    }

    private func rejected(_ nodes: [FerryNodeProcess]) throws -> [Int] {
        try nodes.map { try XCTUnwrap($0.status().discovery).beaconsRejected }
    }
}
