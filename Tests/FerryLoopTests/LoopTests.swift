import FerryLoop
import XCTest

final class LoopTests: XCTestCase {
    func testEmptyLoopRunsAndCloses() throws {
        let loop = try Loop()
        XCTAssertEqual(loop.openHandleCount, 0)
        loop.run()
        XCTAssertFalse(loop.runOnce(nowait: true))
        finish(loop)
    }

    func testCloseWithOpenHandleThrowsBusyAndLoopStaysUsable() throws {
        let loop = try Loop()
        let timer = try LoopTimer(loop: loop)
        XCTAssertEqual(loop.openHandleCount, 1)
        XCTAssertThrowsError(try loop.close()) { error in
            XCTAssertEqual((error as? LoopError)?.code, LoopError.Code.busy)
        }
        timer.close()
        timer.close()  // idempotent
        XCTAssertEqual(loop.openHandleCount, 0)
        // The handle is closing but its callback has not run, so libuv still refuses.
        XCTAssertThrowsError(try loop.close())
        finish(loop)
    }

    func testCloseAllHandlesClosesEveryKind() throws {
        let loop = try Loop()
        let timer = try LoopTimer(loop: loop)
        timer.start(afterMilliseconds: 60_000) {}
        let check = try Check(loop: loop)
        check.start {}
        let listener = try TCPListener(loop: loop)
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen { $0.close() }
        XCTAssertEqual(loop.openHandleCount, 3)
        loop.closeAllHandles()
        XCTAssertEqual(loop.openHandleCount, 0)
        XCTAssertTrue(timer.isClosed && check.isClosed && listener.isClosed)
        finish(loop)
    }

    func testHandleIsFreedAfterCloseEvenWhenItsCallbackCapturesIt() throws {
        let loop = try Loop()
        weak var weakTimer: LoopTimer?
        do {
            let timer = try LoopTimer(loop: loop)
            weakTimer = timer
            // A callback that captures its own timer: the cycle must be broken by close.
            timer.start(afterMilliseconds: 60_000) { timer.stop() }
            timer.close()
        }
        XCTAssertNotNil(weakTimer, "libuv still holds the handle until the close callback")
        finish(loop)
        XCTAssertNil(weakTimer, "close callback must release the handle object")
    }

    func testLoopTimeAdvancesWithTimers() throws {
        let loop = try Loop()
        loop.updateTime()
        let start = loop.nowMilliseconds
        let timer = try LoopTimer(loop: loop)
        var firedAt: UInt64?
        timer.start(afterMilliseconds: 25) { firedAt = loop.nowMilliseconds }
        spin(loop) { firedAt != nil }
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(firedAt) - start, 25)
        timer.close()
        finish(loop)
    }

    func testStopMakesRunReturn() throws {
        let loop = try Loop()
        let timer = try LoopTimer(loop: loop)
        var ticks = 0
        // Repeating forever: run() would never return without stop().
        timer.start(afterMilliseconds: 1, repeatMilliseconds: 1) {
            ticks += 1
            if ticks == 3 { loop.stop() }
        }
        loop.run()
        XCTAssertEqual(ticks, 3)
        timer.close()
        finish(loop)
    }

    func testLoopErrorDescriptionNamesOperationAndReason() {
        let error = LoopError(code: LoopError.Code.addressInUse, operation: "bind 127.0.0.1:4000")
        XCTAssertEqual(error.description, "bind 127.0.0.1:4000: address already in use")
        XCTAssertEqual(error.name, "EADDRINUSE")
        XCTAssertFalse(error.isCancellation)
        XCTAssertTrue(LoopError(code: LoopError.Code.cancelled, operation: "write").isCancellation)
    }
}
