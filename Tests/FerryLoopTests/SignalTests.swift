import FerryLoop
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class SignalTests: XCTestCase {
    func testRaisedSignalReachesTheCallbackOnTheLoop() throws {
        let loop = try Loop()
        let signal = try Signal(loop: loop)
        var received: [Int32] = []
        try signal.start(signal: SIGUSR1) { received.append($0) }
        XCTAssertEqual(raise(SIGUSR1), 0)
        spin(loop) { !received.isEmpty }
        XCTAssertEqual(received, [SIGUSR1])
        signal.close()
        finish(loop)
    }

    func testUncatchableSignalIsATypedError() throws {
        let loop = try Loop()
        let signal = try Signal(loop: loop)
        XCTAssertThrowsError(try signal.start(signal: SIGKILL) { _ in }) { error in
            XCTAssertEqual((error as? LoopError)?.code, LoopError.Code.invalidArgument)
        }
        signal.close()
        finish(loop)
    }
}
