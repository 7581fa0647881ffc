import FerryControl
import FerryWire
import Foundation
import XCTest

/// SIGTERM ends a node within its stop deadline, whatever its peers do.
final class ShutdownTests: IntegrationTestCase {
    /// The bound asserted: the node's stop deadline (5 s) plus a margin.
    static let stopSecondsMax: TimeInterval = 8

    /// Carol, a contact of alice's, links and then never reads again while alice has megabytes
    /// queued for her. SIGTERM: alice exits with status 0 within the bound.
    func testSigtermEndsNodeWhosePeerStopsReading() throws {
        let a = try makeNode("alice")
        let carol = try HostileIdentity.generate()
        try a.addContact(name: "carol", card: carol.card)
        try a.start()
        _ = try sendLines(from: a, to: "carol", (1...40).map { text("for carol \($0)", bytes: 65_536) }, timeout: 60)

        let peer = try HostilePeer(carol, port: try XCTUnwrap(a.port), receiveBufferBytes: 4096)
        try peer.link()
        // From here on carol reads nothing.
        let carolAddress = carol.address.text
        try waitUntil("alice's socket queue to carol backs up") {
            try a.peerLinks().contains { $0.address == carolAddress && $0.established && ($0.queuedBytes ?? 0) >= 256 * 1024 }
        }

        let (ended, took) = a.terminateTimed(seconds: Self.stopSecondsMax + 2)
        print("alice stopped after SIGTERM in \(String(format: "%.2f", took)) s with a peer that does not read")
        XCTAssertEqual(ended, .exited(0), "clean exit on SIGTERM")
        XCTAssertLessThan(took, Self.stopSecondsMax, "stopped within the stop deadline plus margin")
        withExtendedLifetime(peer) {}
    }
}
