import FerryLoop
import XCTest

final class TCPListenerTests: XCTestCase {
    func testBindingAPortInUseIsAddressInUse() throws {
        let loop = try Loop()
        let first = try TCPListener(loop: loop)
        try first.bind(host: "127.0.0.1", port: 0)
        try first.listen { $0.close() }
        let port = try XCTUnwrap(first.localPort)

        let second = try TCPListener(loop: loop)
        // libuv may report EADDRINUSE from bind or only from listen; either must throw it.
        XCTAssertThrowsError(try {
            try second.bind(host: "127.0.0.1", port: port)
            try second.listen { $0.close() }
        }()) { error in
            let loopError = error as? LoopError
            XCTAssertEqual(loopError?.code, LoopError.Code.addressInUse)
            XCTAssertEqual(loopError?.description, "bind 127.0.0.1:\(port): address already in use")
        }
        first.close()
        second.close()
        finish(loop)
    }

    func testRestartedListenerRebindsAtOnceAfterConnectionsClosed() throws {
        let loop = try Loop()
        let (listener, client, server) = try makeTCPPair(loop)
        let port = try XCTUnwrap(listener.localPort)
        // The server closes first, leaving its side in TIME_WAIT, as a stopped node would.
        var clientEnded = false
        client.startReading(onData: { _ in }, onClose: { _ in clientEnded = true })
        server.close()
        listener.close()
        spin(loop) { clientEnded }

        let restarted = try TCPListener(loop: loop)
        try restarted.bind(host: "127.0.0.1", port: port)
        try restarted.listen { $0.close() }
        XCTAssertEqual(restarted.localPort, port)
        restarted.close()
        client.close()
        finish(loop)
    }

    func testConnectToAClosedPortReportsRefused() throws {
        let loop = try Loop()
        let listener = try TCPListener(loop: loop)
        try listener.bind(host: "127.0.0.1", port: 0)
        let port = try XCTUnwrap(listener.localPort)
        listener.close()
        loop.run()

        var result: Result<TCPStream, LoopError>?
        TCPStream.connect(loop: loop, host: "127.0.0.1", port: port) { result = $0 }
        spin(loop) { result != nil }
        guard case .failure(let error)? = result else {
            return XCTFail("expected a connect error, got \(String(describing: result))")
        }
        XCTAssertEqual(error.code, LoopError.Code.connectionRefused)
        XCTAssertEqual(error.description, "connect 127.0.0.1:\(port): connection refused")
        finish(loop)
    }

    func testConnectToAnInvalidHostFailsFromTheLoopNotInline() throws {
        let loop = try Loop()
        var result: Result<TCPStream, LoopError>?
        TCPStream.connect(loop: loop, host: "not-an-address", port: 1) { result = $0 }
        XCTAssertNil(result, "callbacks always come from the loop")
        spin(loop) { result != nil }
        guard case .failure(let error)? = result else {
            return XCTFail("expected an error, got \(String(describing: result))")
        }
        XCTAssertEqual(error.code, LoopError.Code.invalidArgument)
        finish(loop)
    }

    func testClosingAConnectingStreamCancelsTheConnect() throws {
        let loop = try Loop()
        let listener = try TCPListener(loop: loop)
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen { $0.close() }
        let port = try XCTUnwrap(listener.localPort)
        var result: Result<TCPStream, LoopError>?
        let connecting = TCPStream.connect(loop: loop, host: "127.0.0.1", port: port) { result = $0 }
        connecting.close()
        spin(loop) { result != nil }
        guard case .failure(let error)? = result else {
            return XCTFail("expected cancellation, got \(String(describing: result))")
        }
        XCTAssertTrue(error.isCancellation, "\(error)")
        listener.close()
        finish(loop)
    }

    func testIPv6LoopbackListenerWhenAvailable() throws {
        let loop = try Loop()
        let listener = try TCPListener(loop: loop)
        do {
            try listener.bind(host: "::1", port: 0)
            try listener.listen { $0.close() }
        } catch let error as LoopError {
            // Hosts (and containers) without IPv6 cannot bind ::1; that is not a FerryLoop failure.
            listener.close()
            finish(loop)
            throw XCTSkip("no IPv6 loopback: \(error)")
        }
        let port = try XCTUnwrap(listener.localPort)
        var result: Result<TCPStream, LoopError>?
        TCPStream.connect(loop: loop, host: "::1", port: port) { result = $0 }
        spin(loop) { result != nil }
        let client = try result!.get()
        XCTAssertEqual(client.peerEndpoint, "[::1]:\(port)")
        client.close()
        listener.close()
        finish(loop)
    }
}
