import FerryControl
import FerryWire
import Foundation
import XCTest

/// `--peer ADDRESS@HOST:PORT` is checked inside the TLS handshake: a node answering there with
/// another key never completes a handshake with the dialler, so it never sees the dialler's
/// certificate (who is dialling). (Needs the TLS branch: on the base the pin is checked only
/// after the handshake.)
final class PinnedHandshakeTests: IntegrationTestCase {
    func testWrongKeyAtPinnedSeedNeverLearnsTheDialler() throws {
        let a = try makeNode("alice")
        let pinned = try HostileIdentity.generate()
        let impostor = try HostileIdentity.generate()
        let listener = try RawListener()
        try a.start(peers: ["\(pinned.address.text)@127.0.0.1:\(listener.port)"])

        let server = try HostilePeer.accept(impostor, from: listener, seconds: 10)
        // Alice either finishes the handshake (and the impostor learns her key) or aborts it.
        var failure: String?
        do {
            try server.pump("alice finishes or aborts the TLS handshake", seconds: 10) { server.isHandshakeComplete }
        } catch {
            failure = "\(error)"
        }
        XCTAssertFalse(server.isHandshakeComplete, "alice completed a TLS handshake with a key she had not pinned")
        XCTAssertNotEqual(server.remoteAddress?.text, a.address, "the impostor learnt alice's certificate")
        print("the impostor's view of the handshake: \(failure ?? "completed")")
        XCTAssertTrue(try a.peerLinks().allSatisfy { !$0.established }, "no link at alice")
        try a.checkAlive("after refusing the impostor")
    }
}
