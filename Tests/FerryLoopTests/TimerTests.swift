import FerryLoop
import XCTest

final class TimerTests: XCTestCase {
    func testTimerFiresOnce() throws {
        let loop = try Loop()
        let timer = try FerryLoop.Timer(loop: loop)  // the spec name; LoopTimer elsewhere
        var fired = 0
        timer.start(afterMilliseconds: 5) { fired += 1 }
        spin(loop) { fired == 1 }
        // A one-shot timer is inactive afterwards, so run() returns instead of blocking.
        loop.run()
        XCTAssertEqual(fired, 1)
        timer.close()
        finish(loop)
    }

    func testTimerRepeatsUntilStopped() throws {
        let loop = try Loop()
        let timer = try LoopTimer(loop: loop)
        var fired = 0
        timer.start(afterMilliseconds: 1, repeatMilliseconds: 2) {
            fired += 1
            if fired == 3 { timer.stop() }
        }
        spin(loop) { fired == 3 }
        loop.run()
        XCTAssertEqual(fired, 3)
        timer.close()
        finish(loop)
    }

    func testStoppedTimerDoesNotFire() throws {
        let loop = try Loop()
        let timer = try LoopTimer(loop: loop)
        var fired = false
        timer.start(afterMilliseconds: 5) { fired = true }
        timer.stop()
        let reference = try LoopTimer(loop: loop)
        var referenceFired = false
        reference.start(afterMilliseconds: 30) { referenceFired = true }
        spin(loop) { referenceFired }
        XCTAssertFalse(fired)
        timer.close()
        reference.close()
        finish(loop)
    }

    func testTimerMayCloseItselfFromItsCallback() throws {
        let loop = try Loop()
        let timer = try LoopTimer(loop: loop)
        var fired = 0
        timer.start(afterMilliseconds: 1, repeatMilliseconds: 1) {
            fired += 1
            timer.close()
        }
        loop.run()
        XCTAssertEqual(fired, 1)
        XCTAssertTrue(timer.isClosed)
        finish(loop)
    }
}
