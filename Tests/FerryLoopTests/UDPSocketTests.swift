import FerryLoop
import XCTest

/// One datagram as a test receives it.
struct Datagram: Equatable {
    let bytes: [UInt8]
    let sender: String
}

extension XCTestCase {
    /// A UDP socket bound to `host` on an ephemeral port that appends what it receives to `inbox`.
    func makeReceivingUDPSocket(_ loop: Loop, host: String, inbox: @escaping (Datagram) -> Void) throws -> UDPSocket {
        let socket = try UDPSocket(loop: loop)
        try socket.bind(host: host, port: 0)
        try socket.startReceiving { inbox(Datagram(bytes: $0, sender: $1)) }
        return socket
    }
}

final class UDPSocketTests: XCTestCase {
    func testTwoSocketsExchangeDatagramsBothWaysWithTheSenderReported() throws {
        let loop = try Loop()
        var inboxA: [Datagram] = []
        var inboxB: [Datagram] = []
        let a = try makeReceivingUDPSocket(loop, host: "127.0.0.1") { inboxA.append($0) }
        let b = try makeReceivingUDPSocket(loop, host: "127.0.0.1") { inboxB.append($0) }
        let portA = try XCTUnwrap(a.localPort)
        let portB = try XCTUnwrap(b.localPort)
        XCTAssertNotEqual(portA, 0)
        XCTAssertEqual(a.localEndpoint, "127.0.0.1:\(portA)")

        XCTAssertTrue(a.send(patternBytes(count: 100), to: "127.0.0.1", port: portB))
        XCTAssertTrue(b.send(patternBytes(count: 200, seed: 1), to: "127.0.0.1", port: portA))
        XCTAssertTrue(b.send([], to: "127.0.0.1", port: portA), "empty datagrams are datagrams too")
        spin(loop) { inboxA.count == 2 && inboxB.count == 1 }
        XCTAssertEqual(inboxB, [Datagram(bytes: patternBytes(count: 100), sender: "127.0.0.1:\(portA)")])
        XCTAssertEqual(inboxA, [
            Datagram(bytes: patternBytes(count: 200, seed: 1), sender: "127.0.0.1:\(portB)"),
            Datagram(bytes: [], sender: "127.0.0.1:\(portB)"),
        ])
        XCTAssertEqual(a.sendErrorCount + b.sendErrorCount, 0)

        a.close()
        a.close()
        b.close()
        XCTAssertNil(a.localEndpoint)
        finish(loop)
    }

    func testIPv6LoopbackReportsTheSenderInBrackets() throws {
        let loop = try Loop()
        var inbox: [Datagram] = []
        let receiver: UDPSocket
        do {
            receiver = try makeReceivingUDPSocket(loop, host: "::1") { inbox.append($0) }
        } catch let error as LoopError {
            finish(loop)
            throw XCTSkip("no IPv6 loopback here: \(error)")
        }
        let sender = try UDPSocket(loop: loop)
        try sender.bind(host: "::1", port: 0)
        let senderPort = try XCTUnwrap(sender.localPort)
        XCTAssertEqual(sender.localEndpoint, "[::1]:\(senderPort)")
        XCTAssertTrue(sender.send([1, 2, 3], to: "::1", port: try XCTUnwrap(receiver.localPort)))
        spin(loop) { inbox.count == 1 }
        XCTAssertEqual(inbox, [Datagram(bytes: [1, 2, 3], sender: "[::1]:\(senderPort)")])
        receiver.close()
        sender.close()
        finish(loop)
    }

    func testOversizedDatagramIsDroppedAndCountedNeverTruncated() throws {
        let loop = try Loop()
        var inbox: [Datagram] = []
        let receiver = try makeReceivingUDPSocket(loop, host: "127.0.0.1") { inbox.append($0) }
        let sender = try UDPSocket(loop: loop)
        try sender.bind(host: "127.0.0.1", port: 0)
        let port = try XCTUnwrap(receiver.localPort)
        let largest = patternBytes(count: UDPSocket.datagramBytesMax, seed: 5)

        XCTAssertTrue(sender.send(patternBytes(count: UDPSocket.datagramBytesMax + 1), to: "127.0.0.1", port: port))
        XCTAssertTrue(sender.send(patternBytes(count: 9_000), to: "127.0.0.1", port: port))
        XCTAssertTrue(sender.send(largest, to: "127.0.0.1", port: port))
        spin(loop) { inbox.count == 1 && receiver.droppedDatagramCount == 2 }
        XCTAssertEqual(inbox.map(\.bytes), [largest], "exactly datagramBytesMax still fits")
        XCTAssertEqual(receiver.receiveErrorCount, 0)

        receiver.close()
        sender.close()
        finish(loop)
    }

    func testSendToAnUnboundPortOrWrongFamilyIsCountedAndLaterSendsStillWork() throws {
        let loop = try Loop()
        // A port that was just free: bind, read the port, close.
        let probe = try UDPSocket(loop: loop)
        try probe.bind(host: "127.0.0.1", port: 0)
        let unboundPort = try XCTUnwrap(probe.localPort)
        probe.close()

        var inbox: [Datagram] = []
        let receiver = try makeReceivingUDPSocket(loop, host: "127.0.0.1") { inbox.append($0) }
        let sender = try makeReceivingUDPSocket(loop, host: "127.0.0.1") { _ in }
        XCTAssertFalse(sender.send([3], to: "ferry.example", port: 9), "names are not resolved")
        XCTAssertEqual(sender.lastSendError, LoopError(code: LoopError.Code.invalidArgument, operation: "send ferry.example:9"))
        XCTAssertTrue(sender.send([1], to: "127.0.0.1", port: unboundPort))
        // An IPv6 destination from an IPv4 socket is queued, then fails in the send callback.
        XCTAssertTrue(sender.send([2], to: "::1", port: unboundPort))
        spin(loop) { sender.queuedSendBytes == 0 && sender.sendErrorCount == 2 }
        XCTAssertEqual(sender.lastSendError?.operation, "send [::1]:\(unboundPort)")
        XCTAssertEqual(sender.lastSendError?.name, "EAFNOSUPPORT")

        XCTAssertTrue(sender.send([4], to: "127.0.0.1", port: try XCTUnwrap(receiver.localPort)))
        spin(loop) { inbox.count == 1 }
        XCTAssertEqual(inbox.map(\.bytes), [[4]])
        XCTAssertFalse(sender.isClosed)

        receiver.close()
        sender.close()
        finish(loop)
    }

    func testSendQueueBoundRefusesPastTheLimitAndFreesAsSendsComplete() throws {
        let loop = try Loop()
        var inbox: [Datagram] = []
        let receiver = try makeReceivingUDPSocket(loop, host: "127.0.0.1") { inbox.append($0) }
        let sender = try UDPSocket(loop: loop)
        try sender.bind(host: "127.0.0.1", port: 0)
        let port = try XCTUnwrap(receiver.localPort)
        sender.sendQueueBytesMax = 400
        // Send callbacks run from the loop, so without running it every datagram stays queued.
        for seed in 0..<4 {
            XCTAssertTrue(sender.send(patternBytes(count: 100, seed: seed), to: "127.0.0.1", port: port))
        }
        XCTAssertEqual(sender.queuedSendBytes, 400)
        XCTAssertFalse(sender.send([0], to: "127.0.0.1", port: port), "past the bound nothing is queued")
        XCTAssertEqual(sender.queuedSendBytes, 400)

        spin(loop) { sender.queuedSendBytes == 0 && inbox.count == 4 }
        XCTAssertFalse(sender.send(patternBytes(count: 401), to: "127.0.0.1", port: port), "one datagram over the bound never fits")
        XCTAssertTrue(sender.send([0], to: "127.0.0.1", port: port), "sending resumes once the queue drains")
        spin(loop) { inbox.count == 5 }
        XCTAssertEqual(sender.sendErrorCount, 0, "refusals by the bound are back-pressure, not errors")

        receiver.close()
        sender.close()
        finish(loop)
    }

    func testCloseWithSendsPendingFreesThemAndLeavesNoOpenHandles() throws {
        let loop = try Loop()
        weak var weakSender: UDPSocket?
        do {
            let sender = try UDPSocket(loop: loop)
            weakSender = sender
            try sender.bind(host: "127.0.0.1", port: 0)
            let port = try XCTUnwrap(sender.localPort)
            try sender.startReceiving { _, _ in }
            for seed in 0..<50 {
                XCTAssertTrue(sender.send(patternBytes(count: 1_000, seed: seed), to: "127.0.0.1", port: port))
            }
            XCTAssertEqual(sender.queuedSendBytes, 50_000)
            sender.close()
            sender.close()
            XCTAssertFalse(sender.send([1], to: "127.0.0.1", port: port))
            spin(loop) { sender.queuedSendBytes == 0 }
            XCTAssertEqual(sender.sendErrorCount, 0, "cancellations by close are not errors")
        }
        finish(loop)
        XCTAssertNil(weakSender, "the socket is released after its close callback")
    }

    func testStopReceivingHoldsDatagramsUntilReceivingStartsAgain() throws {
        let loop = try Loop()
        var inbox: [Datagram] = []
        let receiver = try makeReceivingUDPSocket(loop, host: "127.0.0.1") { inbox.append($0) }
        let sender = try UDPSocket(loop: loop)
        try sender.bind(host: "127.0.0.1", port: 0)
        receiver.stopReceiving()
        XCTAssertTrue(sender.send([7], to: "127.0.0.1", port: try XCTUnwrap(receiver.localPort)))
        spin(loop) { sender.queuedSendBytes == 0 }
        XCTAssertEqual(inbox, [])
        try receiver.startReceiving { inbox.append(Datagram(bytes: $0, sender: $1)) }
        spin(loop) { inbox.count == 1 }
        receiver.close()
        sender.close()
        finish(loop)
    }

    func testBindErrorsNameTheAddressAndReuseAddressSharesAPort() throws {
        let loop = try Loop()
        let first = try UDPSocket(loop: loop)
        try first.bind(host: "127.0.0.1", port: 0, reuseAddress: true)
        let port = try XCTUnwrap(first.localPort)

        let plain = try UDPSocket(loop: loop)
        XCTAssertThrowsError(try plain.bind(host: "127.0.0.1", port: port)) { error in
            XCTAssertEqual(error as? LoopError, LoopError(code: LoopError.Code.addressInUse, operation: "bind 127.0.0.1:\(port)"))
        }
        let shared = try UDPSocket(loop: loop)
        XCTAssertNoThrow(try shared.bind(host: "127.0.0.1", port: port, reuseAddress: true))
        let bad = try UDPSocket(loop: loop)
        XCTAssertThrowsError(try bad.bind(host: "localhost", port: 1)) { error in
            XCTAssertEqual((error as? LoopError)?.operation, "bind localhost:1")
        }
        for socket in [first, plain, shared, bad] {
            socket.close()
        }
        finish(loop)
    }
}
