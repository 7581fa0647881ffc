import FerryCore
import FerryCrypto
import FerryWire
import XCTest

/// What a peer can do wrong on an established link, and what it costs it.
final class PeerMisbehaviourTests: XCTestCase {
    func testAFrameThatNeverCompletesClosesTheLinkAfterTheDeadline() throws {
        let pair = try CorePair()
        let links = pair.connect()
        pair.deliverBToA = false  // B's pings and pongs do not matter here
        // A frame that announces 1000 bytes, then one byte every 10 s: any byte used to count as life.
        _ = pair.b.core.linkReceived(links.b, bytes: [0, 0, 3, 232, Frame.Kind.envelope.rawValue], now: pair.now)
        var closedAfter: UInt64?
        for step in 1...10 where closedAfter == nil {
            pair.now = pair.now.adding(milliseconds: 10_000)
            _ = pair.b.core.linkReceived(links.b, bytes: [0x42], now: pair.now)
            pair.apply(pair.b.core.tick(now: pair.now), at: pair.b)
            if pair.b.closedLinks.contains(links.b) { closedAfter = UInt64(step) * 10_000 }
        }
        let closed = try XCTUnwrap(closedAfter, "a dripping frame kept the link open")
        XCTAssertLessThanOrEqual(closed, pair.b.core.limits.frameCompletionMilliseconds + 10_000)
        XCTAssertEqual(pair.b.core.counters.framesTimedOut, 1)
    }

    func testOnlyCompleteFramesCountAsLife() throws {
        var limits = CoreLimits()
        limits.frameCompletionMilliseconds = 1_000_000  // isolate the idle rule
        let pair = try CorePair(limits: limits)
        let links = pair.connect()
        pair.deliverBToA = false
        _ = pair.b.core.linkReceived(links.b, bytes: [0, 0, 3, 232], now: pair.now)
        for _ in 0..<10 {
            pair.now = pair.now.adding(milliseconds: 10_000)
            _ = pair.b.core.linkReceived(links.b, bytes: [0x42], now: pair.now)
            pair.apply(pair.b.core.tick(now: pair.now), at: pair.b)
        }
        XCTAssertTrue(pair.b.closedLinks.contains(links.b), "idle: no complete frame for longer than the idle timeout")
    }

    func testEnvelopesThatDoNotOpenCostTheLinkAfterAFew() throws {
        let pair = try CorePair()
        let links = pair.connect()
        let maxInvalid = pair.b.core.limits.invalidEnvelopesPerLinkMax
        var refusals = 0
        for index in 0..<maxInvalid {
            let envelope = Envelope(
                id: try MessageID(bytes: [UInt8](repeating: UInt8(index), count: 16)), destination: pair.b.address,
                created: pair.now.wall, expires: pair.now.wall.adding(milliseconds: 60_000),
                ackHash: [UInt8](repeating: 1, count: 32), hopsLeft: 8, copies: 1,
                sealed: [UInt8](repeating: 7, count: 5232))
            let actions = pair.b.core.linkReceived(links.b, bytes: Frame.envelope(envelope.encoded()).encoded(), now: pair.now)
            refusals += frames(in: actions).filter { if case .refuse(_, .invalid) = $0 { return true } else { return false } }.count
            XCTAssertEqual(actions.contains(.close(links.b)), index == maxInvalid - 1)
        }
        XCTAssertEqual(refusals, maxInvalid)
        XCTAssertEqual(pair.b.core.counters.invalidEnvelopes, maxInvalid)
    }

    func testCloseFramesCarryOnlyTheReasonsFixedText() throws {
        let pair = try CorePair()
        let links = pair.connect()
        // A ping without its nonce is a protocol error; its detail must stay in B's log.
        let actions = pair.b.core.linkReceived(links.b, bytes: [0, 0, 0, 2, Frame.Kind.ping.rawValue, 0], now: pair.now)
        let close = frames(in: actions).compactMap { frame -> (CloseReason, String)? in
            if case .close(let reason, let text) = frame { return (reason, text) } else { return nil }
        }
        XCTAssertEqual(close.count, 1)
        XCTAssertEqual(close.first?.0, .protocolError)
        XCTAssertEqual(close.first?.1, CloseReason.protocolError.publicText)
        pair.apply(actions, at: pair.b)
        XCTAssertTrue(pair.b.logs.contains { $0.contains("bad frame") }, "the detail is in the local log")
    }

    func testFramesOfUnknownTypesAreSkippedNotFatal() throws {
        let pair = try CorePair()
        let links = pair.connect()
        let unknown: [UInt8] = [0, 0, 0, 4, 0x7e, 1, 2, 3]
        let actions = pair.b.core.linkReceived(links.b, bytes: unknown + Frame.ping(nonce: 9).encoded(), now: pair.now)
        XCTAssertFalse(actions.contains(.close(links.b)), "a newer peer's frame must not cost the link")
        XCTAssertTrue(frames(in: actions).contains(.pong(nonce: 9)), "and the frames after it are handled")
    }

    func testAPeerThatFloodsReconciliationMessagesLosesTheLink() throws {
        let pair = try CorePair()
        let links = pair.connect()
        var reconciler = Reconciler(items: SyncItems())
        let frame = Frame.sync(set: .messages, message: reconciler.initiate().encoded()).encoded()
        let burst = Int(pair.b.core.limits.syncMessagesBurst) + 10
        var closedAt: Int?
        for index in 0..<burst where closedAt == nil {
            if pair.b.core.linkReceived(links.b, bytes: frame, now: pair.now).contains(.close(links.b)) { closedAt = index }
        }
        let closed = try XCTUnwrap(closedAt, "a peer starting syncs back to back keeps its link")
        XCTAssertGreaterThanOrEqual(closed, Int(pair.b.core.limits.syncMessagesBurst) - 5, "within the budget (less the link-up sync) it is answered")
    }

    func testPeerSuppliedCloseTextIsEscapedInTheLog() throws {
        let pair = try CorePair()
        let links = pair.connect()
        let hostile = Frame.close(reason: .shutdown, text: "bye\u{1b}[2J\n2026-01-01 fake log line\u{202e}").encoded()
        pair.apply(pair.b.core.linkReceived(links.b, bytes: hostile, now: pair.now), at: pair.b)
        let line = try XCTUnwrap(pair.b.logs.first { $0.contains("closed the link") })
        XCTAssertFalse(line.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{202e}" }, line)
        XCTAssertTrue(line.contains("\\x1b[2J\\n2026-01-01 fake log line\\u{202e}"), line)
    }

    func testAWallClockStepDoesNotCloseLinksOrStallTimers() throws {
        let pair = try CorePair()
        pair.connect()
        // NTP steps the wall clock two hours ahead; the monotonic clock moves one second.
        pair.now = CoreTime(wall: pair.now.wall.adding(milliseconds: 7_200_000), monotonic: pair.now.monotonic.adding(milliseconds: 1_000))
        pair.apply(pair.a.core.tick(now: pair.now), at: pair.a)
        pair.apply(pair.b.core.tick(now: pair.now), at: pair.b)
        pair.run()
        XCTAssertEqual(pair.a.core.connectedPeers.count, 1, "no idle close from a wall-clock step")
        XCTAssertTrue(pair.a.closedLinks.isEmpty)
        // And a step back does not stall the keepalive: it still runs on monotonic time.
        pair.now = CoreTime(wall: pair.now.wall.adding(milliseconds: 0), monotonic: pair.now.monotonic)
        pair.advance(milliseconds: 16_000)
        XCTAssertEqual(pair.a.core.connectedPeers.count, 1)
    }

    func testHandshakeThatNeverCompletesTimesOut() throws {
        let node = try TestNode(seed: 1)
        var now = CoreTime(wall: Timestamp(milliseconds: 1_000_000), monotonic: MonotonicTime(milliseconds: 1))
        _ = node.core.linkOpened(
            LinkID(1), engine: PlainEngine(publicKey: node.core.identity.signingPublicKey), outbound: false,
            expectedPeer: nil, endpoint: "198.18.0.1:9", now: now)
        now = now.adding(milliseconds: node.core.limits.handshakeTimeoutMilliseconds - 1)
        XCTAssertFalse(node.core.tick(now: now).contains(.close(LinkID(1))))
        now = now.adding(milliseconds: 2)
        XCTAssertTrue(node.core.tick(now: now).contains(.close(LinkID(1))))
    }
}

/// The frames in the bytes a core asked to send (PlainEngine: plaintext after its key).
func frames(in actions: [CoreAction]) -> [Frame] {
    var decoder = FrameDecoder()
    let bytes = actions.flatMap { action -> [UInt8] in
        if case .send(_, let bytes) = action { return bytes } else { return [] }
    }
    return (try? decoder.push(bytes)) ?? []
}
