import FerryStore
import FerryWire
import XCTest

private typealias F = Fixture

/// The proofs part of the contract (MessageStoreContractTests says how checks are run).
extension MessageStoreContractTests {
    func checkAddProofAssignsSeqAndReadsBackUnchanged() throws {
        var first = F.proof(1, hops: 3, path: .direct)
        first.seq = 55  // the store's seq wins
        let second = F.proof(2, expires: 20_000, path: .coordinator)
        XCTAssertTrue(try store.addProof(first))
        XCTAssertTrue(try store.addProof(second))
        XCTAssertEqual(try store.proof(first.key), F.stored(first, seq: 1))
        XCTAssertEqual(try store.proof(second.key), F.stored(second, seq: 2))
        XCTAssertNil(try store.proof(F.key(3)))
        XCTAssertNil(try store.proof(F.key(1, hash: 0xEE)), "a proof is for one (id, ack hash), not for the id")
        XCTAssertEqual(try store.proofCount(), 2)
    }

    func checkAddingAProofAgainChangesNothing() throws {
        let original = F.proof(1, expires: 5_000)
        XCTAssertTrue(try store.addProof(original))
        var again = F.proof(1, expires: 9_000, hops: 7, path: .direct)
        again.ackSecret = [9, 9]
        XCTAssertFalse(try store.addProof(again))
        XCTAssertEqual(try store.proof(original.key), F.stored(original, seq: 1), "the first proof stays")
        XCTAssertEqual(try store.proofCount(), 1)
        XCTAssertTrue(try store.addProof(F.proof(1, hash: 0xEE)), "another ack hash is another message's proof")
        XCTAssertEqual(try store.proofCount(), 2)
    }

    func checkProofsListAfterSeqInOrderWithinLimit() throws {
        for n: UInt8 in 1...5 { try store.addProof(F.proof(n, expires: 10_000 - UInt64(n))) }
        XCTAssertEqual(try store.proofs(afterSeq: 0, limit: 10).map(\.seq), [1, 2, 3, 4, 5])
        XCTAssertEqual(try store.proofs(afterSeq: 0, limit: 10).map(\.id), (1...5).map(F.id), "seq order, not expiry")
        XCTAssertEqual(try store.proofs(afterSeq: 2, limit: 2).map(\.id), [3, 4].map(F.id))
        XCTAssertEqual(try store.proofs(afterSeq: 5, limit: 10), [])
        XCTAssertEqual(try store.proofs(afterSeq: 0, limit: 0), [])
        XCTAssertEqual(try store.proofs(afterSeq: 0, limit: -1), [])
    }

    func checkPurgeProofsForgetsThoseExpiredAtOrBeforeNow() throws {
        try store.addProof(F.proof(1, expires: 5_000))
        try store.addProof(F.proof(2, expires: 4_000))
        try store.addProof(F.proof(3, expires: 5_001))
        XCTAssertEqual(try store.purgeProofs(before: F.time(3_999)), [])
        XCTAssertEqual(try store.purgeProofs(before: F.time(5_000)), [F.key(1), F.key(2)], "in seq order")
        XCTAssertNil(try store.proof(F.key(1)))
        XCTAssertNil(try store.proof(F.key(2)))
        XCTAssertNotNil(try store.proof(F.key(3)))
        XCTAssertEqual(try store.proofCount(), 1)
        XCTAssertEqual(try store.purgeProofs(before: F.time(5_000)), [])
    }

    func checkTrimProofsForgetsNearestExpiryFirstDownToKeep() throws {
        // Added in this order, so proof 4 has the older seq of the two that expire at 5 000.
        try store.addProof(F.proof(1, expires: 9_000))
        try store.addProof(F.proof(4, expires: 5_000))
        try store.addProof(F.proof(2, expires: 5_000))
        try store.addProof(F.proof(3, expires: 7_000))
        try store.addProof(F.proof(5, expires: 8_000))
        XCTAssertEqual(try store.trimProofs(keep: 5), [])
        XCTAssertEqual(try store.trimProofs(keep: 9), [])
        XCTAssertEqual(try store.trimProofs(keep: 3), [F.key(4), F.key(2)])
        XCTAssertEqual(try store.proofCount(), 3)
        XCTAssertEqual(try store.trimProofs(keep: 1), [F.key(3), F.key(5)])
        XCTAssertEqual(try store.proofs(afterSeq: 0, limit: 10).map(\.id), [F.id(1)])
        XCTAssertEqual(try store.trimProofs(keep: -1), [F.key(1)], "keeping fewer than none keeps none")
        XCTAssertEqual(try store.proofCount(), 0)
        XCTAssertEqual(try store.trimProofs(keep: 0), [])
    }

    func checkProofSeqIsNeverReusedAfterTheNewestProofGoes() throws {
        try store.addProof(F.proof(1))
        try store.addProof(F.proof(2))
        try store.addProof(F.proof(3, expires: 100))
        let purged = try XCTUnwrap(try store.proof(F.key(3))).seq
        XCTAssertEqual(try store.purgeProofs(before: F.time(1_000)), [F.key(3)])
        try store.addProof(F.proof(4))
        let next = try XCTUnwrap(try store.proof(F.key(4)))
        XCTAssertGreaterThan(next.seq, purged, "a new proof must not get the seq of a purged one")
        XCTAssertEqual(try store.proofs(afterSeq: purged, limit: 10), [next])

        XCTAssertEqual(try store.trimProofs(keep: 0).count, 3)
        try store.addProof(F.proof(3))
        XCTAssertGreaterThan(try XCTUnwrap(try store.proof(F.key(3))).seq, next.seq, "nor of a trimmed one")
    }
}
