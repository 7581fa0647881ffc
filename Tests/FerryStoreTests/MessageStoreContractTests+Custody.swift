import FerryStore
import FerryWire
import XCTest

private typealias F = Fixture

/// The custody part of the contract (MessageStoreContractTests says how checks are run).
extension MessageStoreContractTests {
    func checkHoldAssignsSeqAndEveryKindReadsBackUnchanged() throws {
        var own = F.held(1)
        own.seq = 77  // the store's seq wins
        var delivered = F.held(2, to: 2)
        delivered.deliveredAt = F.time(3_000)
        delivered.deliveredPath = .mesh
        delivered.deliveredHops = 3
        let relay = F.held(3, kind: .relay, to: 3, from: 5, copies: 8)
        let mailbox = F.held(4, kind: .mailbox, to: 4, from: 6, copies: 1)
        let messages = [own, delivered, relay, mailbox]
        let stored = try messages.map { try XCTUnwrap(try store.hold($0)) }
        XCTAssertEqual(stored.map(\.seq), [1, 2, 3, 4])
        for (message, seq) in zip(messages, Int64(1)...) {
            XCTAssertEqual(try store.held(message.key), F.stored(message, seq: seq))
            XCTAssertEqual(stored[Int(seq) - 1], F.stored(message, seq: seq), "hold returns the message as stored")
        }
        XCTAssertNil(try store.held(F.key(99)))
        XCTAssertNil(try store.held(F.key(1, hash: 0xEE)), "the id alone finds nothing")
    }

    func checkARelayOrMailboxMessageIsAlwaysHeldUndelivered() throws {
        for (n, kind) in [(UInt8(1), CustodyKind.relay), (2, .mailbox)] {
            var message = F.held(n, kind: kind, from: 5)
            message.deliveredAt = F.time(3_000)
            message.deliveredPath = .direct
            message.deliveredHops = 1
            let stored = try XCTUnwrap(try store.hold(message))
            XCTAssertNil(stored.deliveredAt)
            XCTAssertNil(stored.deliveredPath)
            XCTAssertNil(stored.deliveredHops)
            XCTAssertEqual(try store.held(message.key), stored)
            XCTAssertEqual(try store.custodyUsage(kind).count, 1, "\(kind) counts as held")
        }
        XCTAssertEqual(try store.counts().outboxDelivered, 0)
    }

    func checkHoldReturnsNilForAKeyAlreadyHeldOfAnyKind() throws {
        for (index, kind) in CustodyKind.allCases.enumerated() {
            let n = UInt8(index + 1)
            let original = try XCTUnwrap(try store.hold(F.held(n, kind: kind, from: kind == .own ? nil : 5)))
            for other in CustodyKind.allCases {
                let copy = F.held(n, kind: other, to: 9, from: 6, expires: 99_000, copies: 1, size: 40)
                XCTAssertNil(try store.hold(copy), "\(kind) held, \(other) offered")
            }
            XCTAssertEqual(try store.held(original.key), original, "the held message is unchanged")
        }
        XCTAssertEqual(try store.pendingHeld(now: F.time(0), afterSeq: 0, limit: 10).count, 3)
        XCTAssertEqual(try store.custodyBytes(.relay, destination: F.address(9)), 0)
        // A decoy reusing a held id under another ack hash is another message.
        XCTAssertNotNil(try store.hold(F.held(1, kind: .relay, from: 6, hash: 0xEE)))
        XCTAssertEqual(try store.held(id: F.id(1)).map(\.kind), [.own, .relay])
    }

    func checkHeldByIDReturnsAtMostTheBoundInSeqOrder() throws {
        let copies = StoreLimits.inboundCopiesPerIDMax + 3
        var stored: [HeldMessage] = []
        for n in 0..<copies {
            let kind: CustodyKind = n == 0 ? .own : .relay
            stored.append(try XCTUnwrap(try store.hold(F.held(1, kind: kind, from: 5, hash: UInt8(100 + n)))))
            _ = try store.hold(F.held(2, kind: .relay, from: 5, hash: UInt8(100 + n)))  // another id, interleaved
        }
        XCTAssertEqual(try store.custodyUsage(.relay).count, 2 * copies - 1, "every distinct key is held")
        XCTAssertEqual(try store.held(id: F.id(1)), Array(stored.prefix(StoreLimits.inboundCopiesPerIDMax)))
        XCTAssertEqual(try store.held(id: F.id(3)), [])
    }

    func checkPendingHeldForADestinationIsInSeqOrderAfterSeqWithinLimit() throws {
        let kinds: [CustodyKind] = [.own, .relay, .mailbox, .relay, .own, .mailbox]
        var stored: [HeldMessage] = []
        for (index, kind) in kinds.enumerated() {
            // Odd ids go to destination 1, even ids to destination 2.
            let n = UInt8(index + 1)
            stored.append(try XCTUnwrap(try store.hold(F.held(n, kind: kind, to: n % 2 == 1 ? 1 : 2, from: 5))))
        }
        let now = F.time(2_000)
        let one = F.address(1)
        XCTAssertEqual(try store.pendingHeld(for: one, now: now, afterSeq: 0, limit: 10), [stored[0], stored[2], stored[4]])
        XCTAssertEqual(
            try store.pendingHeld(for: F.address(2), now: now, afterSeq: 0, limit: 2).map(\.id), [2, 4].map(F.id))
        XCTAssertEqual(
            try store.pendingHeld(for: one, now: now, afterSeq: stored[2].seq, limit: 10).map(\.id), [F.id(5)])
        XCTAssertEqual(
            try store.pendingHeld(for: one, now: now, afterSeq: stored[1].seq, limit: 10).map(\.id), [3, 5].map(F.id))
        XCTAssertEqual(try store.pendingHeld(for: one, now: now, afterSeq: stored[5].seq, limit: 10), [])
        XCTAssertEqual(try store.pendingHeld(for: one, now: now, afterSeq: 0, limit: 0), [])
        XCTAssertEqual(try store.pendingHeld(for: one, now: now, afterSeq: 0, limit: -1), [])
        XCTAssertEqual(try store.pendingHeld(for: F.address(7), now: now, afterSeq: 0, limit: 10), [])
    }

    func checkPendingHeldOfEveryDestinationIsInSeqOrderAfterSeqWithinLimit() throws {
        let kinds: [CustodyKind] = [.relay, .own, .mailbox, .relay, .own, .relay]
        var stored: [HeldMessage] = []
        for (index, kind) in kinds.enumerated() {
            let n = UInt8(index + 1)
            stored.append(try XCTUnwrap(try store.hold(F.held(n, kind: kind, to: n, from: 5))))
        }
        let now = F.time(2_000)
        XCTAssertEqual(try store.pendingHeld(now: now, afterSeq: 0, limit: 10), stored)
        XCTAssertEqual(try store.pendingHeld(now: now, afterSeq: 0, limit: 4), Array(stored.prefix(4)))
        XCTAssertEqual(try store.pendingHeld(now: now, afterSeq: stored[3].seq, limit: 10), Array(stored.suffix(2)))
        XCTAssertEqual(try store.pendingHeld(now: now, afterSeq: stored[5].seq, limit: 10), [])
        XCTAssertEqual(try store.pendingHeld(now: now, afterSeq: 0, limit: 0), [])
        XCTAssertEqual(try store.pendingHeld(now: now, afterSeq: 0, limit: -5), [])
    }

    func checkExpiredAndDeliveredMessagesAreNotPending() throws {
        _ = try store.hold(F.held(1, expires: 5_000))
        _ = try store.hold(F.held(2, expires: 5_001))
        _ = try store.hold(F.held(3, expires: 9_000))
        _ = try store.hold(F.held(4, kind: .relay, from: 5, expires: 5_000))
        _ = try store.hold(F.held(5, kind: .mailbox, from: 5, expires: 9_000))
        try store.markDelivered(F.key(3), at: F.time(4_000), path: .direct, hops: 1)
        // A message expiring exactly at `now` has expired.
        let now = F.time(5_000)
        XCTAssertEqual(try store.pendingHeld(for: F.address(1), now: now, afterSeq: 0, limit: 10).map(\.id), [2, 5].map(F.id))
        XCTAssertEqual(try store.pendingHeld(now: now, afterSeq: 0, limit: 10).map(\.id), [2, 5].map(F.id))
        XCTAssertEqual(
            try store.pendingHeld(now: F.time(4_999), afterSeq: 0, limit: 10).map(\.id), [1, 2, 4, 5].map(F.id))
    }

    func checkMarkDeliveredKeepsAnOwnMessageWithPathAndHops() throws {
        let first = try XCTUnwrap(try store.hold(F.held(1, size: 10)))
        let second = try XCTUnwrap(try store.hold(F.held(2, size: 20)))
        XCTAssertTrue(try store.markDelivered(first.key, at: F.time(3_000), path: .mesh, hops: 4))
        XCTAssertFalse(try store.markDelivered(first.key, at: F.time(4_000), path: .direct, hops: 1), "only once")
        XCTAssertFalse(try store.markDelivered(F.key(9), at: F.time(3_000), path: .direct, hops: 1), "not held")
        XCTAssertFalse(
            try store.markDelivered(F.key(2, hash: 0xEE), at: F.time(3_000), path: .direct, hops: 1),
            "a proof for a decoy's key does not deliver the real message")

        var expected = first
        expected.deliveredAt = F.time(3_000)
        expected.deliveredPath = .mesh
        expected.deliveredHops = 4
        XCTAssertEqual(try store.held(first.key), expected, "the row stays, marked delivered")
        XCTAssertEqual(try store.held(second.key), second)
        XCTAssertEqual(try store.pendingHeld(now: F.time(0), afterSeq: 0, limit: 10), [second])
        XCTAssertEqual(try store.pendingHeld(for: F.address(1), now: F.time(0), afterSeq: 0, limit: 10), [second])
        XCTAssertEqual(try store.ownPending(limit: 10), [second])
        XCTAssertEqual(try store.custodyUsage(.own), CustodyUsage(count: 1, bytes: 20))
        XCTAssertEqual(try store.custodyBytes(.own, destination: F.address(1)), 20)
        XCTAssertEqual(try store.evictionCandidates(.own, limit: 10), [second])
        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 1, outboxDelivered: 1))
    }

    func checkMarkDeliveredRemovesARelayOrMailboxCopy() throws {
        let relay = try XCTUnwrap(try store.hold(F.held(1, kind: .relay, from: 5)))
        let mailbox = try XCTUnwrap(try store.hold(F.held(2, kind: .mailbox, from: 5)))
        for message in [relay, mailbox] {
            XCTAssertTrue(try store.markDelivered(message.key, at: F.time(3_000), path: .mesh, hops: 2))
            XCTAssertNil(try store.held(message.key), "\(message.kind) copy removed")
            XCTAssertFalse(try store.markDelivered(message.key, at: F.time(3_000), path: .mesh, hops: 2))
            XCTAssertEqual(try store.custodyUsage(message.kind), CustodyUsage())
        }
        XCTAssertEqual(try store.counts(), StoreCounts())
    }

    func checkReleaseDropsRelayAndMailboxCopiesButNeverOwnMessages() throws {
        let own = try XCTUnwrap(try store.hold(F.held(1)))
        let relay = try XCTUnwrap(try store.hold(F.held(2, kind: .relay, from: 5)))
        let mailbox = try XCTUnwrap(try store.hold(F.held(3, kind: .mailbox, from: 5)))
        _ = try store.hold(F.held(4))
        try store.markDelivered(F.key(4), at: F.time(3_000), path: .direct, hops: 1)
        let delivered = try store.held(F.key(4))

        XCTAssertFalse(try store.release(own.key))
        XCTAssertEqual(try store.held(own.key), own, "an own message stays")
        XCTAssertFalse(try store.release(F.key(4)))
        XCTAssertEqual(try store.held(F.key(4)), delivered, "a delivered own message stays")
        XCTAssertTrue(try store.release(relay.key))
        XCTAssertNil(try store.held(relay.key))
        XCTAssertFalse(try store.release(relay.key), "already gone")
        XCTAssertTrue(try store.release(mailbox.key))
        XCTAssertNil(try store.held(mailbox.key))
        XCTAssertFalse(try store.release(F.key(9)))
        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 1, outboxDelivered: 1))
    }

    func checkSetCopiesChangesOnlyTheCopyBudget() throws {
        let relay = try XCTUnwrap(try store.hold(F.held(1, kind: .relay, from: 5, copies: 8)))
        try store.setCopies(relay.key, copies: 4)
        var expected = relay
        expected.copies = 4
        XCTAssertEqual(try store.held(relay.key), expected, "the envelope stays as received")
        try store.setCopies(F.key(9), copies: 2)
        XCTAssertNil(try store.held(F.key(9)), "no row for a key not held")
        XCTAssertEqual(try store.pendingHeld(now: F.time(0), afterSeq: 0, limit: 10), [expected])
    }

    func checkCustodyUsageCountsUndeliveredMessagesAndBytesPerKind() throws {
        _ = try store.hold(F.held(1, size: 10))
        _ = try store.hold(F.held(2, size: 20))
        _ = try store.hold(F.held(3, kind: .relay, from: 5, size: 30))
        _ = try store.hold(F.held(4, kind: .relay, from: 6, expires: 100, size: 40))
        _ = try store.hold(F.held(5, kind: .mailbox, from: 5, size: 50))
        try store.markDelivered(F.key(2), at: F.time(3_000), path: .direct, hops: 1)
        XCTAssertEqual(try store.custodyUsage(.own), CustodyUsage(count: 1, bytes: 10), "delivered rows do not count")
        XCTAssertEqual(try store.custodyUsage(.relay), CustodyUsage(count: 2, bytes: 70), "expired rows count until removed")
        XCTAssertEqual(try store.custodyUsage(.mailbox), CustodyUsage(count: 1, bytes: 50))

        try store.release(F.key(3))
        XCTAssertEqual(try store.custodyUsage(.relay), CustodyUsage(count: 1, bytes: 40))
        _ = try store.expireHeld(before: F.time(1_000), deliveredBefore: F.time(0))
        XCTAssertEqual(try store.custodyUsage(.relay), CustodyUsage())
        XCTAssertEqual(try store.custodyUsage(.mailbox), CustodyUsage(count: 1, bytes: 50))
    }

    func checkCustodyBytesArePerOriginAndPerDestinationOfOneKind() throws {
        _ = try store.hold(F.held(1, kind: .relay, to: 1, from: 5, size: 10))
        _ = try store.hold(F.held(2, kind: .relay, to: 2, from: 5, size: 20))
        _ = try store.hold(F.held(3, kind: .relay, to: 1, from: 6, size: 35))
        _ = try store.hold(F.held(4, kind: .mailbox, to: 1, from: 5, size: 40))
        _ = try store.hold(F.held(5, kind: .own, to: 1, size: 50))
        XCTAssertEqual(try store.custodyBytes(.relay, origin: F.address(5)), 30)
        XCTAssertEqual(try store.custodyBytes(.relay, origin: F.address(6)), 35)
        XCTAssertEqual(try store.custodyBytes(.relay, origin: F.address(7)), 0)
        XCTAssertEqual(try store.custodyBytes(.mailbox, origin: F.address(5)), 40)
        XCTAssertEqual(try store.custodyBytes(.own, origin: F.address(5)), 0, "own messages have no origin")
        XCTAssertEqual(try store.custodyBytes(.relay, destination: F.address(1)), 45)
        XCTAssertEqual(try store.custodyBytes(.relay, destination: F.address(2)), 20)
        XCTAssertEqual(try store.custodyBytes(.mailbox, destination: F.address(1)), 40)
        XCTAssertEqual(try store.custodyBytes(.own, destination: F.address(1)), 50)

        try store.release(F.key(1))
        try store.markDelivered(F.key(5), at: F.time(3_000), path: .direct, hops: 1)
        XCTAssertEqual(try store.custodyBytes(.relay, origin: F.address(5)), 20)
        XCTAssertEqual(try store.custodyBytes(.relay, destination: F.address(1)), 35)
        XCTAssertEqual(try store.custodyBytes(.own, destination: F.address(1)), 0, "delivered rows do not count")
    }

    func checkEvictionCandidatesAreNearestExpiryThenFewestCopiesThenOldest() throws {
        // Held in this order, so seq order is 4, 3, … (not the id order).
        _ = try store.hold(F.held(4, kind: .relay, from: 5, expires: 5_000, copies: 2))
        _ = try store.hold(F.held(3, kind: .relay, from: 5, expires: 5_000, copies: 2))
        _ = try store.hold(F.held(2, kind: .relay, from: 5, expires: 5_000, copies: 4))
        _ = try store.hold(F.held(1, kind: .relay, from: 5, expires: 9_000, copies: 1))
        _ = try store.hold(F.held(5, kind: .relay, from: 5, expires: 7_000, copies: 1))
        _ = try store.hold(F.held(6, kind: .mailbox, from: 5, expires: 1_000))
        _ = try store.hold(F.held(7, kind: .own, expires: 1_000))
        XCTAssertEqual(try store.evictionCandidates(.relay, limit: 10).map(\.id), [4, 3, 2, 5, 1].map(F.id))
        XCTAssertEqual(try store.evictionCandidates(.relay, limit: 2).map(\.id), [4, 3].map(F.id))
        XCTAssertEqual(try store.evictionCandidates(.relay, limit: 0), [])
        XCTAssertEqual(try store.evictionCandidates(.relay, limit: -1), [])
        XCTAssertEqual(try store.evictionCandidates(.mailbox, limit: 10).map(\.id), [F.id(6)])

        // The order follows the copies a message has now.
        try store.setCopies(F.key(2), copies: 1)
        XCTAssertEqual(try store.evictionCandidates(.relay, limit: 10).map(\.id), [2, 4, 3, 5, 1].map(F.id))
        try store.markDelivered(F.key(7), at: F.time(500), path: .direct, hops: 1)
        XCTAssertEqual(try store.evictionCandidates(.own, limit: 10), [], "delivered rows are not candidates")
    }

    func checkExpireHeldRemovesExpiredUndeliveredOfEveryKindAndOldDeliveredOwnRows() throws {
        _ = try store.hold(F.held(1, expires: 5_000))  // expired: removed, reported
        _ = try store.hold(F.held(2, kind: .relay, from: 5, expires: 4_000))  // expired: removed, reported
        _ = try store.hold(F.held(3, kind: .mailbox, from: 5, expires: 5_000))  // expired: removed, reported
        _ = try store.hold(F.held(4, expires: 5_001))  // not yet expired: kept
        _ = try store.hold(F.held(5, expires: 3_000))  // delivered at the cut-off: kept, though expired
        _ = try store.hold(F.held(6, expires: 20_000))  // delivered before the cut-off: removed, not reported
        _ = try store.hold(F.held(7, kind: .relay, from: 5, expires: 9_000))  // kept
        try store.markDelivered(F.key(5), at: F.time(2_000), path: .direct, hops: 1)
        try store.markDelivered(F.key(6), at: F.time(1_999), path: .mesh, hops: 2)

        XCTAssertEqual(
            try store.expireHeld(before: F.time(5_000), deliveredBefore: F.time(2_000)), [1, 2, 3].map { F.key($0) })
        for gone: UInt8 in [1, 2, 3, 6] { XCTAssertNil(try store.held(F.key(gone)), "\(gone)") }
        for kept: UInt8 in [4, 5, 7] { XCTAssertNotNil(try store.held(F.key(kept)), "\(kept)") }
        XCTAssertEqual(try store.counts(), StoreCounts(outboxPending: 1, outboxDelivered: 1, relay: 1, relayBytes: 4))

        XCTAssertEqual(try store.expireHeld(before: F.time(5_000), deliveredBefore: F.time(2_000)), [])
        XCTAssertEqual(try store.expireHeld(before: F.time(5_000), deliveredBefore: F.time(2_001)), [])
        XCTAssertNil(try store.held(F.key(5)), "removed once delivered before the cut-off")
        XCTAssertNotNil(try store.hold(F.held(1, expires: 20_000)), "an expired key can be held again")
    }

    func checkOwnPendingListsUndeliveredOwnMessagesOldestFirst() throws {
        _ = try store.hold(F.held(1))
        _ = try store.hold(F.held(2, kind: .relay, from: 5))
        _ = try store.hold(F.held(3, to: 2))
        _ = try store.hold(F.held(4))
        _ = try store.hold(F.held(5, kind: .mailbox, from: 5))
        _ = try store.hold(F.held(6, expires: 100))
        try store.markDelivered(F.key(4), at: F.time(3_000), path: .direct, hops: 1)
        XCTAssertEqual(try store.ownPending(limit: 10).map(\.id), [1, 3, 6].map(F.id), "expired ones until removed")
        XCTAssertEqual(try store.ownPending(limit: 2).map(\.id), [1, 3].map(F.id))
        XCTAssertEqual(try store.ownPending(limit: 0), [])
        XCTAssertEqual(try store.ownPending(limit: -1), [])
    }

    func checkCustodySeqIsNeverReusedAfterTheNewestMessageGoes() throws {
        _ = try store.hold(F.held(1))
        _ = try store.hold(F.held(2, kind: .relay, from: 5))
        var newest = try XCTUnwrap(try store.hold(F.held(3, kind: .relay, from: 5, expires: 100)))
        let now = F.time(1_000)
        // Each way a message can go, taking the newest: a link's cursor may already stand at its seq.
        let removals: [(String, (HeldMessage) throws -> Void)] = [
            ("expiry", { _ in _ = try self.store.expireHeld(before: now, deliveredBefore: F.time(0)) }),
            ("release", { try self.store.release($0.key) }),
            ("delivery", { try self.store.markDelivered($0.key, at: now, path: .mesh, hops: 2) }),
        ]
        for (index, (how, remove)) in removals.enumerated() {
            let cursor = newest.seq
            try remove(newest)
            XCTAssertNil(try store.held(newest.key), how)
            let next = try XCTUnwrap(try store.hold(F.held(UInt8(10 + index), kind: .relay, from: 5)))
            XCTAssertGreaterThan(next.seq, cursor, "a new message must not get the seq of one removed by \(how)")
            XCTAssertEqual(try store.pendingHeld(now: now, afterSeq: cursor, limit: 10), [next], how)
            newest = next
        }
        // A key held again after it went is a new message, after everything held.
        let again = try XCTUnwrap(try store.hold(F.held(3, kind: .relay, from: 5)))
        XCTAssertEqual(try store.pendingHeld(now: now, afterSeq: 0, limit: 10).map(\.id), [1, 2, 12, 3].map(F.id))
        XCTAssertGreaterThan(again.seq, newest.seq)
    }
}
