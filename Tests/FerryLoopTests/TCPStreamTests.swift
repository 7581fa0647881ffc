import FerryLoop
import XCTest

final class TCPStreamTests: XCTestCase {
    func testEchoRoundTripOfOneMebibyteEndsWithEOF() throws {
        let loop = try Loop()
        let (listener, client, server) = try makeTCPPair(loop)
        var serverEnded = false
        var serverEndError: LoopError?
        server.startReading(onData: { server.write($0) }, onClose: { error in
            serverEnded = true
            serverEndError = error
        })

        let sent = patternBytes(count: 1 << 20)
        var received: [UInt8] = []
        var clientEnded = false
        client.startReading(onData: { received += $0 }, onClose: { _ in clientEnded = true })
        let chunkBytes = 64 * 1024
        for start in stride(from: 0, to: sent.count, by: chunkBytes) {
            XCTAssertTrue(client.write(Array(sent[start..<min(start + chunkBytes, sent.count)])))
        }
        spin(loop) { received.count >= sent.count }
        XCTAssertEqual(received, sent)

        client.shutdownThenClose()
        spin(loop) { serverEnded && clientEnded && server.isClosed && client.isClosed }
        XCTAssertNil(serverEndError, "EOF is reported as onClose(nil)")
        listener.close()
        finish(loop)
    }

    func testEndpointsNameBothSides() throws {
        let loop = try Loop()
        let (listener, client, server) = try makeTCPPair(loop)
        let port = try XCTUnwrap(listener.localPort)
        XCTAssertNotEqual(port, 0)
        XCTAssertEqual(client.peerEndpoint, "127.0.0.1:\(port)")
        XCTAssertEqual(server.peerEndpoint, client.localEndpoint)
        client.setNoDelay(true)
        client.close()
        server.close()
        listener.close()
        XCTAssertNil(listener.localPort)
        XCTAssertEqual(client.peerEndpoint, "127.0.0.1:\(port)", "kept for logs after close")
        finish(loop)
    }

    func testShutdownThenCloseDeliversQueuedBytesBeforeEOF() throws {
        let loop = try Loop()
        let (listener, client, server) = try makeTCPPair(loop)
        let sent = patternBytes(count: 256 * 1024, seed: 7)
        var received: [UInt8] = []
        var serverEnded = false
        server.startReading(onData: { received += $0 }, onClose: { _ in serverEnded = true })
        var completed = 0
        XCTAssertTrue(client.write(sent) { error in
            XCTAssertNil(error)
            completed += 1
        })
        client.shutdownThenClose()
        XCTAssertFalse(client.write([1]), "no writes after shutdown")
        spin(loop) { serverEnded }
        XCTAssertEqual(received, sent)
        XCTAssertEqual(completed, 1)
        listener.close()
        spin(loop) { server.isClosed && client.isClosed }
        finish(loop)
    }

    func testWriteBackPressureRefusesPastTheLimitAndDrainFires() throws {
        let loop = try Loop()
        let (listener, client, server) = try makeTCPPair(loop)
        // The server never reads, but 64 KiB fits in the kernel buffers, so the queue drains.
        let chunk = patternBytes(count: 16 * 1024)
        client.writeQueueBytesMax = 64 * 1024
        var drained = 0
        client.onDrain = { drained += 1 }
        for _ in 0..<4 {
            XCTAssertTrue(client.write(chunk))
        }
        XCTAssertEqual(client.queuedWriteBytes, 64 * 1024)
        XCTAssertFalse(client.write(chunk), "past the limit nothing is queued")
        XCTAssertFalse(client.write([0]))
        XCTAssertEqual(client.queuedWriteBytes, 64 * 1024)
        XCTAssertFalse(client.write(patternBytes(count: 65 * 1024)), "one write over the limit never fits")

        spin(loop) { drained == 1 }
        XCTAssertEqual(client.queuedWriteBytes, 0)
        XCTAssertTrue(client.write(chunk), "writing resumes after drain")
        spin(loop) { drained == 2 }

        client.close()
        server.close()
        listener.close()
        finish(loop)
    }

    func testCloseDuringPendingWritesCancelsThemWithoutLeaking() throws {
        let loop = try Loop()
        weak var weakClient: TCPStream?
        var completions: [LoopError?] = []
        let chunks = 32
        let chunk = patternBytes(count: 1 << 20)
        let (listener, server): (TCPListener, TCPStream)
        do {
            let (pairListener, client, pairServer) = try makeTCPPair(loop)
            (listener, server) = (pairListener, pairServer)
            weakClient = client
            // 32 MiB to a peer that does not read: far more than loopback socket buffers take.
            client.writeQueueBytesMax = chunks * chunk.count
            var clientEnd: LoopError?? = .none
            client.startReading(onData: { _ in }, onClose: { clientEnd = .some($0) })
            for _ in 0..<chunks {
                XCTAssertTrue(client.write(chunk) { completions.append($0) })
            }
            client.close()
            XCTAssertTrue(client.isClosed)
            XCTAssertFalse(client.write(chunk))
            spin(loop) { completions.count == chunks }
            XCTAssertEqual(client.queuedWriteBytes, 0)
            spin(loop) { clientEnd != nil }
            XCTAssertEqual(clientEnd, .some(nil), "a local close ends reading with onClose(nil)")
        }
        let cancelled = completions.compactMap { $0 }
        XCTAssertFalse(cancelled.isEmpty, "some writes were still queued at close")
        XCTAssertTrue(cancelled.allSatisfy(\.isCancellation), "\(cancelled)")
        server.close()
        listener.close()
        finish(loop)
        XCTAssertNil(weakClient, "the stream is released after its close callback")
    }

    func testPeerResetOrCloseEndsReading() throws {
        let loop = try Loop()
        let (listener, client, server) = try makeTCPPair(loop)
        var serverEnded = false
        server.startReading(onData: { _ in }, onClose: { _ in serverEnded = true })
        client.close()
        spin(loop) { serverEnded && server.isClosed }
        listener.close()
        finish(loop)
    }

    func testStartReadingOnAClosedStreamCallsOnCloseAtOnce() throws {
        let loop = try Loop()
        let (listener, client, server) = try makeTCPPair(loop)
        client.close()
        var ends = 0
        client.startReading(onData: { _ in }, onClose: { _ in ends += 1 })
        XCTAssertEqual(ends, 1)
        server.close()
        listener.close()
        finish(loop)
        XCTAssertEqual(ends, 1, "onClose is called once")
    }
}
