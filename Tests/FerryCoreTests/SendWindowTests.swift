import FerryCore
import FerryStore
import FerryWire
import XCTest

/// Sending follows the socket, by bytes: a backlog of large messages drains whatever its size, and
/// a slow reader is paused, not dropped.
final class SendWindowTests: XCTestCase {
    /// The largest a link's unwritten ciphertext may get: the high-water mark plus one envelope
    /// frame and its TLS overhead (an envelope is added while the queue is under the mark).
    private func queueBound(_ limits: CoreLimits) -> Int {
        limits.sendQueueHighWaterBytes + WireLimits.frameBytesMax + 4096
    }

    func testSeventyQueuedLargeMessagesAreAllDeliveredOnce() throws {
        let pair = try CorePair()
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: WireLimits.messageBodyBytesMax)
        var ids: [MessageID] = []
        for _ in 0..<70 { ids.append(try pair.send(body: body)) }
        pair.connect()
        XCTAssertEqual(pair.b.delivered.map(\.id), ids, "each once, in outbox order")
        XCTAssertEqual(Set(pair.a.proofs), Set(ids))
        XCTAssertEqual(try pair.a.store.counts().outboxPending, 0)
        XCTAssertTrue(pair.a.closedLinks.isEmpty, "the link was never closed as not reading")
    }

    func testASlowReaderIsPausedAtTheMarkAndResumedNotDropped() throws {
        let pair = try CorePair()
        let links = pair.connect()
        pair.holdFromA = true  // B stops reading: A's socket writes nothing more
        let body = [UInt8](repeating: 7, count: 60_000)
        var ids: [MessageID] = []
        for _ in 0..<60 { ids.append(try pair.send(body: body)) }
        let limits = pair.a.core.limits
        XCTAssertGreaterThan(pair.heldBytesFromA, limits.sendQueueHighWaterBytes - 70_000, "A filled the link up to its mark")
        XCTAssertLessThanOrEqual(pair.heldBytesFromA, queueBound(limits), "and no further")
        let queued = try XCTUnwrap(pair.a.core.linkSummaries.first { $0.link == links.a }).queuedBytes
        XCTAssertEqual(queued, pair.heldBytesFromA, "the core counts what the socket has not written")
        pair.advance(milliseconds: 5_000)
        XCTAssertEqual(pair.a.core.connectedPeers, [pair.b.address], "a slow peer is not dropped")
        pair.holdFromA = false
        pair.run()
        XCTAssertEqual(pair.b.delivered.map(\.id), ids)
        XCTAssertLessThanOrEqual(pair.largestQueueA, queueBound(limits))
    }

    func testTheUnprovenWindowIsBoundedInBytes() throws {
        var limits = CoreLimits()
        limits.inflightPerLinkBytesMax = 200_000
        let pair = try CorePair(limits: limits)
        let links = pair.connect()
        pair.deliverBToA = false  // B reads everything but its proofs never come back
        let body = [UInt8](repeating: 1, count: 30_000)
        for _ in 0..<20 { _ = try pair.send(body: body) }
        let link = try XCTUnwrap(pair.a.core.linkSummaries.first { $0.link == links.a })
        XCTAssertLessThan(link.inflightBytes, limits.inflightPerLinkBytesMax + 40_000)
        XCTAssertLessThan(pair.b.delivered.count, 20, "A stopped offering at the window")
    }

    func testRefusedMessagesAreOfferedAgainAfterTheRetryInterval() throws {
        let pair = try CorePair()
        let links = pair.connect()
        pair.deliverBToA = false
        let id = try pair.send("refused once")
        pair.deliverBToA = true
        // B answered with a proof A never saw; then B (say its disk was full) refuses instead.
        _ = pair.a.core.linkReceived(links.a, bytes: Frame.refuse(id: id, reason: .unavailable).encoded(), now: pair.now)
        XCTAssertNil(try pair.a.store.own(id)?.deliveredAt)
        pair.advance(milliseconds: pair.a.core.limits.retryIntervalMilliseconds + 1_000)
        XCTAssertNotNil(try pair.a.store.own(id)?.deliveredAt, "the retry rewound the cursor and offered it again")
        XCTAssertEqual(pair.b.delivered.count, 1)
    }

    func testExpiredEnvelopesAreRefusedAndExpiredOutboxMessagesDropped() throws {
        var limits = CoreLimits()
        limits.messageLifetimeMilliseconds = 60_000
        let pair = try CorePair(limits: limits)
        let id = try pair.send("short-lived")
        let envelope = try XCTUnwrap(pair.a.store.own(id)).envelope
        let links = pair.connect()
        XCTAssertEqual(pair.b.delivered.count, 1)
        // The same bytes again, after they expired: refused without opening.
        let later = pair.now.adding(milliseconds: 120_000)
        let actions = pair.b.core.linkReceived(links.b, bytes: Frame.envelope(envelope).encoded(), now: later)
        XCTAssertTrue(frames(in: actions).contains { if case .proof = $0 { return true } else { return false } },
                      "a copy already held is still answered with its proof")
        let unsent = try pair.a.core.submit(body: Array("never offered".utf8), to: pair.b.verified, now: pair.now).0
        pair.disconnectAll()
        pair.advance(milliseconds: 120_000 + pair.a.core.limits.housekeepingIntervalMilliseconds)
        XCTAssertNil(try pair.a.store.own(unsent), "expired undelivered messages leave the outbox")
        XCTAssertTrue(pair.a.logs.contains { $0.contains("expired") })
    }
}
