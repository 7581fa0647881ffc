import FerryLoop
import XCTest

/// A graceful close waits for queued writes only until its deadline: a peer that never reads
/// cannot hold a stream (or a node's shutdown) forever.
final class CloseDeadlineTests: XCTestCase {
    func testShutdownThenCloseToAPeerThatNeverReadsEndsAtTheDeadline() throws {
        let loop = try Loop()
        let (listener, client, server) = try makeTCPPair(loop)
        // The server never reads: fill the kernel buffers so queued writes cannot finish.
        client.writeQueueBytesMax = 64 << 20
        let chunk = patternBytes(count: 1 << 20)
        for _ in 0..<32 { _ = client.write(chunk) }
        spin(loop, timeoutMilliseconds: 2_000) { client.queuedWriteBytes > 0 }
        XCTAssertGreaterThan(client.queuedWriteBytes, 0, "writes are stuck behind a peer that does not read")
        var cancelled = 0
        _ = client.write([1, 2, 3]) { error in if error?.isCancellation == true { cancelled += 1 } }
        let started = loop.nowMilliseconds
        client.shutdownThenClose(deadlineMilliseconds: 200)
        spin(loop, timeoutMilliseconds: 5_000) { client.isClosed && client.queuedWriteBytes == 0 }
        loop.updateTime()
        let took = loop.nowMilliseconds - started
        XCTAssertGreaterThanOrEqual(took, 150, "it waited for the writes first")
        XCTAssertLessThan(took, 2_000, "and gave up at the deadline")
        XCTAssertEqual(cancelled, 1, "the stuck write was cancelled")
        server.close()
        listener.close()
        finish(loop)
    }

    func testAStopTimerThatIsUnreferencedDoesNotKeepTheLoopRunning() throws {
        let loop = try Loop()
        let timer = try LoopTimer(loop: loop)
        var fired = false
        timer.unref()
        timer.start(afterMilliseconds: 60_000) { fired = true }
        loop.run()  // returns at once: nothing referenced is active
        XCTAssertFalse(fired)
        timer.close()
        finish(loop)
    }
}
