import FerryLoop
import XCTest

/// Helpers that drive a real loop in tests without sleeping: run iterations until a condition holds,
/// bounded by a watchdog timer, and end every test the way libuv's own tests do
/// (MAKE_VALGRIND_HAPPY: no open handles, close callbacks run, `uv_loop_close` succeeds).
extension XCTestCase {
    /// Runs `loop` one iteration at a time until `condition` holds or `timeoutMilliseconds` of loop
    /// time pass. The watchdog timer keeps a blocking iteration from waiting past the deadline.
    /// - Returns: whether the condition held (also asserted).
    @discardableResult
    func spin(
        _ loop: Loop,
        timeoutMilliseconds: UInt64 = 10_000,
        file: StaticString = #filePath,
        line: UInt = #line,
        until condition: () -> Bool
    ) -> Bool {
        let held = runLoop(loop, timeoutMilliseconds: timeoutMilliseconds, until: condition)
        XCTAssertTrue(held, "condition did not hold within \(timeoutMilliseconds) ms", file: file, line: line)
        return held
    }

    /// `spin` without the assertion, for probing what the machine allows (e.g. multicast on
    /// loopback) before deciding to skip a test.
    /// - Returns: whether the condition held within the deadline.
    func runLoop(_ loop: Loop, timeoutMilliseconds: UInt64, until condition: () -> Bool) -> Bool {
        guard let watchdog = try? LoopTimer(loop: loop) else { return condition() }
        var expired = false
        watchdog.start(afterMilliseconds: timeoutMilliseconds) { expired = true }
        while !condition() && !expired {
            loop.runOnce(nowait: false)
        }
        watchdog.close()
        return condition()
    }

    /// Asserts that the test closed everything it opened, lets close callbacks run, and closes the
    /// loop. Leftover handles are reported and then closed so that a failing test cannot hang.
    func finish(_ loop: Loop, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(loop.openHandleCount, 0, "handles left open", file: file, line: line)
        if loop.openHandleCount != 0 {
            loop.closeAllHandles()
        }
        loop.run()
        XCTAssertNoThrow(try loop.close(), file: file, line: line)
    }

    /// A listener on 127.0.0.1 (ephemeral port), a client connected to it, and the server side of
    /// that connection.
    func makeTCPPair(_ loop: Loop, file: StaticString = #filePath, line: UInt = #line) throws -> (TCPListener, TCPStream, TCPStream) {
        let listener = try TCPListener(loop: loop)
        try listener.bind(host: "127.0.0.1", port: 0)
        var server: TCPStream?
        try listener.listen { server = $0 }
        let port = try XCTUnwrap(listener.localPort, file: file, line: line)
        var client: TCPStream?
        var connectError: LoopError?
        TCPStream.connect(loop: loop, host: "127.0.0.1", port: port) { result in
            switch result {
            case .success(let stream): client = stream
            case .failure(let error): connectError = error
            }
        }
        spin(loop, file: file, line: line) { (client != nil && server != nil) || connectError != nil }
        XCTAssertNil(connectError, file: file, line: line)
        return (listener, try XCTUnwrap(client, file: file, line: line), try XCTUnwrap(server, file: file, line: line))
    }
}

/// `count` bytes of a pattern that does not repeat on power-of-two boundaries, so a misplaced or
/// reordered chunk changes the result.
func patternBytes(count: Int, seed: Int = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: ($0 + seed) % 251) }
}
