import FerryCore
import FerryCrypto
import FerryStore
import FerryWire
import XCTest

/// What a node queues for a peer stays bounded in bytes: proofs found by a sync are pushed as the
/// socket drains, and a peer that keeps asking while it reads nothing loses the link.
final class SendQueueBoundTests: XCTestCase {
    func testProofsASyncFindsLackingArePushedAsTheSocketDrainsAllOfThem() throws {
        var limits = CoreLimits()
        limits.sendQueueHighWaterBytes = 16 << 10
        limits.sendQueueLowWaterBytes = 4 << 10
        let pair = try CorePair(limits: limits)
        let count = 5_000
        let random = SplitMixRandom(seed: 77)
        for _ in 0..<count {
            let secret = random.bytes(32)
            let proof = StoredProof(
                id: try MessageID(bytes: random.bytes(MessageID.byteCount)), ackSecret: secret,
                ackHash: Digests.sha256(secret), expiresAt: Timestamp(milliseconds: 9_000_000_000_000), hops: 2,
                path: .mesh)
            XCTAssertTrue(try pair.a.store.addProof(proof))
        }
        try pair.a.core.storeRolledBack(now: pair.now)  // the core's sets follow the store
        pair.connect()  // A dials: the sync finds B lacks every proof

        XCTAssertEqual(pair.sentByA[Frame.Kind.proof.rawValue, default: 0], count, "every proof B lacks is pushed, once")
        // 5000 proofs are about 300 KB of frames: pushed at once they would sit in the socket queue.
        XCTAssertLessThanOrEqual(
            pair.largestQueueA, limits.sendQueueHighWaterBytes + 2 * ReconcilerLimits().replyBytesMax,
            "the push followed the socket (high-water mark plus a sync reply)")
    }

    func testAPeerThatKeepsAskingButNeverReadsLosesTheLink() throws {
        var limits = CoreLimits()
        limits.sendQueueHardLimitBytes = 4 << 10
        let pair = try CorePair(limits: limits)
        let links = pair.connect()
        pair.holdFromA = true  // B's socket takes nothing more from A
        var closedAfter: Int?
        for ping in 1...2_000 where closedAfter == nil {
            pair.now = pair.now.adding(milliseconds: 500)
            let actions = pair.a.core.linkReceived(links.a, bytes: Frame.ping(nonce: UInt64(ping)).encoded(), now: pair.now)
            pair.apply(actions, at: pair.a)
            if pair.a.closedLinks.contains(links.a) { closedAfter = ping }
        }
        XCTAssertNotNil(closedAfter, "answers piled up without bound")
        XCTAssertEqual(pair.a.core.counters.linksNotReading, 1)
        XCTAssertTrue(pair.a.logs.contains { $0.contains("not reading") })
    }

    func testAPeerThatReadsItsAnswersKeepsTheLink() throws {
        var limits = CoreLimits()
        limits.sendQueueHardLimitBytes = 4 << 10
        let pair = try CorePair(limits: limits)
        let links = pair.connect()
        for ping in 1...2_000 {
            pair.now = pair.now.adding(milliseconds: 500)
            let actions = pair.a.core.linkReceived(links.a, bytes: Frame.ping(nonce: UInt64(ping)).encoded(), now: pair.now)
            pair.apply(actions, at: pair.a)
            pair.run()
        }
        XCTAssertFalse(pair.a.closedLinks.contains(links.a))
        XCTAssertEqual(pair.a.core.counters.linksNotReading, 0)
    }
}
