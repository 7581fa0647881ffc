import FerryLoop
import XCTest

final class UDPMulticastTests: XCTestCase {
    /// An administratively scoped group (RFC 2365), the kind LAN beacons use.
    private let group = "239.255.70.77"

    func testJoiningAnInvalidGroupOrInterfaceThrowsALoopError() throws {
        let loop = try Loop()
        let socket = try UDPSocket(loop: loop)
        try socket.bind(host: "0.0.0.0", port: 0)
        XCTAssertThrowsError(try socket.joinMulticastGroup("not-a-group", interface: nil)) { error in
            XCTAssertEqual(error as? LoopError, LoopError(
                code: LoopError.Code.invalidArgument, operation: "join multicast group not-a-group on default interface"))
        }
        XCTAssertThrowsError(try socket.joinMulticastGroup("10.1.2.3", interface: "127.0.0.1"), "unicast is not a group") { error in
            XCTAssertEqual((error as? LoopError)?.operation, "join multicast group 10.1.2.3 on 127.0.0.1")
        }
        XCTAssertThrowsError(try socket.joinMulticastGroup(group, interface: "eth-nope")) { error in
            XCTAssertEqual((error as? LoopError)?.operation, "join multicast group \(group) on eth-nope")
        }
        XCTAssertThrowsError(try socket.leaveMulticastGroup(group, interface: "127.0.0.1"), "never joined") { error in
            XCTAssertNotNil(error as? LoopError)
        }
        XCTAssertThrowsError(try socket.setMulticastInterface("not-an-address")) { error in
            XCTAssertEqual((error as? LoopError)?.code, LoopError.Code.invalidArgument)
        }
        socket.close()
        finish(loop)
    }

    func testOptionsApplyToABoundSocketAndFailWithoutOne() throws {
        let loop = try Loop()
        let socket = try UDPSocket(loop: loop)
        XCTAssertThrowsError(try socket.setMulticastTTL(1), "no OS socket before bind") { error in
            XCTAssertEqual((error as? LoopError)?.operation, "set multicast ttl 1 on (unbound)")
        }
        try socket.bind(host: "0.0.0.0", port: 0)
        XCTAssertNoThrow(try socket.setMulticastTTL(1))
        XCTAssertNoThrow(try socket.setMulticastLoopback(true))
        XCTAssertNoThrow(try socket.setMulticastInterface(nil))
        XCTAssertNoThrow(try socket.setBroadcast(true))

        let v6 = try UDPSocket(loop: loop)
        do {
            try v6.bind(host: "::1", port: 0)
            XCTAssertNoThrow(try v6.setMulticastTTL(2), "the IPv6 hop limit")
            XCTAssertNoThrow(try v6.setMulticastLoopback(false))
        } catch {
            // No IPv6 here; the IPv4 half of the test still counts.
        }
        socket.close()
        v6.close()
        finish(loop)
    }

    /// Multicast on the loopback interface works in most Linux containers, but not everywhere;
    /// the network-namespace tests exercise it for real, so here it is skipped when unavailable.
    func testMulticastRoundTripOnLoopback() throws {
        let loop = try Loop()
        var inbox: [Datagram] = []
        let receiver = try UDPSocket(loop: loop)
        let sender = try UDPSocket(loop: loop)
        defer {
            receiver.close()
            sender.close()
            finish(loop)
        }
        // Bound to the group, so the socket sees the group's datagrams and nothing else.
        try receiver.bind(host: group, port: 0, reuseAddress: true)
        let port = try XCTUnwrap(receiver.localPort)
        do {
            try receiver.joinMulticastGroup(group, interface: "127.0.0.1")
        } catch let error as LoopError {
            throw XCTSkip("multicast on loopback is not allowed here (\(error)); covered by the network-namespace tests")
        }
        try receiver.startReceiving { inbox.append(Datagram(bytes: $0, sender: $1)) }

        try sender.bind(host: "127.0.0.1", port: 0)
        try sender.setMulticastInterface("127.0.0.1")
        try sender.setMulticastLoopback(true)
        try sender.setMulticastTTL(1)
        let senderPort = try XCTUnwrap(sender.localPort)
        XCTAssertTrue(sender.send([0xfe, 0xed], to: group, port: port))
        let arrived = runLoop(loop, timeoutMilliseconds: 2_000) { !inbox.isEmpty }
        guard arrived else {
            throw XCTSkip("""
                multicast on loopback joined but nothing arrived within 2 s (send errors: \
                \(sender.lastSendError.map(String.init(describing:)) ?? "none")); covered by the network-namespace tests
                """)
        }
        XCTAssertEqual(inbox, [Datagram(bytes: [0xfe, 0xed], sender: "127.0.0.1:\(senderPort)")])

        try receiver.leaveMulticastGroup(group, interface: "127.0.0.1")
        XCTAssertTrue(sender.send([0xab], to: group, port: port))
        XCTAssertTrue(sender.send([0xcd], to: "127.0.0.1", port: senderPort), "a marker to self")
        var markerArrived = false
        try sender.startReceiving { _, _ in markerArrived = true }
        spin(loop) { markerArrived && sender.queuedSendBytes == 0 }
        XCTAssertEqual(inbox.count, 1, "after leaving, the group's datagrams no longer arrive")
    }
}
