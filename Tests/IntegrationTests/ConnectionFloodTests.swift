import FerryControl
import FerryWire
import Foundation
import XCTest

/// One host holding thousands of connections, or dozens of authenticated links from self-made
/// identities, gets only its share; a contact still links and delivers.
final class ConnectionFloodTests: IntegrationTestCase {
    static let floodConnections = 2_000
    static let strangers = 40
    /// CoreLimits.strangerLinksPerHostMax: strangers one host may keep linked.
    static let strangerLinksPerHostMax = 16
    /// What bob may hold in memory with the flood on him.
    static let residentBytesMax = 150 << 20
    /// Descriptors bob may hold: the node caps its sockets at 512, plus its own files.
    static let descriptorsMax = 600

    /// 2,000 connections from the test, held open, each with the first bytes of a TLS
    /// ClientHello and then nothing; alice (dialling bob as a seed) sends 20 messages and all
    /// arrive. Bob's memory and descriptors stay bounded and he keeps running.
    func testTwoThousandHeldConnectionsDoNotStopDelivery() throws {
        let limit = try ProcessProbe.raiseOpenFileLimit()
        guard limit >= Self.floodConnections + 200 else {
            throw XCTSkip("RLIMIT_NOFILE hard limit \(limit) is too low to hold \(Self.floodConnections) connections")
        }
        let (a, b) = try makePair()
        try b.start()
        let port = try XCTUnwrap(b.port)
        // A TLS handshake record header announcing 512 bytes, then only the first few of them.
        let partialClientHello: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]
        let flood = try ConnectionFlood(count: Self.floodConnections, port: port, firstBytes: partialClientHello)
        defer { flood.closeAll() }
        let pending = flood.awaitConnects(seconds: 30)
        XCTAssertEqual(pending, 0, "every connect finished")
        XCTAssertEqual(flood.connected, Self.floodConnections, "the kernel accepted them all (\(flood.failed) failed)")
        try b.checkAlive("with \(Self.floodConnections) connections on it")

        try a.start(peers: ["\(b.address)@127.0.0.1:\(port)"])
        let ids = try sendLines(from: a, to: "bob", (1...20).map { "through the flood \($0)" })
        try waitUntil("all 20 reach bob", seconds: 20) { try a.status().outboxPending == 0 }
        XCTAssertEqual(Set(try b.inbox().map(\.id)), Set(ids))

        let pid = try XCTUnwrap(b.pid)
        let resident = try XCTUnwrap(ProcessProbe.residentBytes(of: pid))
        let descriptors = try XCTUnwrap(ProcessProbe.openDescriptors(of: pid))
        print("bob with \(Self.floodConnections) connections held: RSS \(resident >> 20) MiB, \(descriptors) descriptors")
        XCTAssertLessThan(resident, Self.residentBytesMax)
        XCTAssertLessThan(descriptors, Self.descriptorsMax)
        XCTAssertGreaterThan(try b.status().refusals?.handshakesEvicted ?? 0, 0, "bob evicted stalled handshakes")
        try b.checkAlive("with the flood still held")

        flood.closeAll()
        try b.checkAlive("after the flood closed")
        XCTAssertTrue(try b.peerLinks().contains { $0.established && $0.address == a.address })
    }

    /// 40 self-made identities link from 127.0.0.1 one after another and complete hello: bob
    /// keeps 16 (his per-host bound for strangers) and refuses the rest as busy; alice, a
    /// contact, still links from the same host and delivers.
    func testAuthenticatedStrangersFromOneHostGetOnlyTheirShare() throws {
        let (a, b) = try makePair()
        try b.start()
        let port = try XCTUnwrap(b.port)
        var admitted: [HostilePeer] = []
        var refused: [HostilePeer] = []
        for index in 0..<Self.strangers {
            let peer = try HostilePeer(try HostileIdentity.generate(), port: port)
            try peer.link()
            // Hello, then ping: an admitted link answers with a pong, a refused one with CLOSE.
            try peer.send(.ping(nonce: UInt64(index)))
            try peer.pump("bob answers stranger \(index)'s ping or closes its link", seconds: 10) {
                peer.ended || peer.frames.contains { if case .pong = $0 { return true } else { return false } }
            }
            if peer.ended { refused.append(peer) } else { admitted.append(peer) }
        }
        XCTAssertEqual(admitted.count, Self.strangerLinksPerHostMax, "strangers kept from one host")
        XCTAssertEqual(refused.count, Self.strangers - Self.strangerLinksPerHostMax)
        for peer in refused { XCTAssertEqual(peer.closeReason, .busy, "a refused stranger is told busy") }
        let strangerAddresses = Set(admitted.map(\.me.address.text))
        XCTAssertEqual(try b.peerLinks().filter { $0.established && strangerAddresses.contains($0.address) }.count, Self.strangerLinksPerHostMax)
        XCTAssertGreaterThanOrEqual(try b.status().refusals?.linksRefused ?? 0, refused.count)

        try a.start(peers: ["\(b.address)@127.0.0.1:\(port)"])
        let sent = try ferry(["send", "--data", a.dataDir, "bob", "a contact still gets through", "--wait", "20"])
        XCTAssertEqual(sent.exitCode, 0, "\(sent)")
        XCTAssertEqual(sent.stdoutLines.last, "delivered direct")
        XCTAssertEqual(try b.inbox().map(\.from), [a.address])
        try b.checkAlive("at the end")
        withExtendedLifetime(admitted) {}
    }
}
