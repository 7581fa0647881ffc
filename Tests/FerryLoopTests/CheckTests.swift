import FerryLoop
import XCTest

final class CheckTests: XCTestCase {
    func testCheckRunsRightAfterTheIOCallbacksOfAnIteration() throws {
        let loop = try Loop()
        let (listener, client, server) = try makeTCPPair(loop)
        var events: [String] = []
        server.startReading(onData: { _ in events.append("read") }, onClose: { _ in })
        let check = try Check(loop: loop)
        check.start { events.append("check") }
        client.write([1, 2, 3])
        spin(loop) { events.contains("read") }
        let readIndex = try XCTUnwrap(events.firstIndex(of: "read"))
        XCTAssertGreaterThan(events.count, readIndex + 1, "check must run in the iteration that read")
        XCTAssertEqual(events[readIndex + 1], "check")

        check.stop()
        let countAfterStop = events.count
        loop.runOnce(nowait: true)
        XCTAssertEqual(events.count, countAfterStop, "a stopped check does not run")

        check.close()
        client.close()
        server.close()
        listener.close()
        finish(loop)
    }
}
