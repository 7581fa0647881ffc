import FerryControl
import FerryCrypto
import FerryWire
import Foundation
import XCTest

/// What a stranger or an operator can do wrong to a coordinator (STYLE.md 13: every cost a remote
/// peer can cause has a bound and a test that pushes against it).
final class CoordinatorBadInputTests: IntegrationTestCase {
    /// `mailboxBytesPerAddressMax` (CoreLimits): 64 MiB.
    static let mailboxBytesPerAddressMax = 64 << 20
    /// `invalidEnvelopesPerLinkMax` (CoreLimits): envelopes that do not open before a node drops the link.
    static let invalidEnvelopesPerLinkMax = 3

    /// A stranger floods C with well-formed junk envelopes (largest padded size) for one address
    /// until C refuses with `quota`: C stored no more than the per-address quota, and it happens
    /// within a bounded number of offers. Bob's mail kept before the flood survives it, and new
    /// mail from A to B still goes through C.
    func testFloodForOneAddressIsRefusedAtTheQuotaAndOthersMailStillFlows() throws {
        let c = try makeCoordinator("coord")
        let (a, b) = try makePair()
        try c.start()
        try use([c], at: a)
        try use([c], at: b)
        try a.start()
        try waitUntilCoordinator(c, is: "up", at: a)
        let before = try send(from: a, to: "bob", "kept through the flood")
        try waitUntilMailboxes(c, hold: 1)

        let mallory = try HostilePeer(try HostileIdentity.generate(), port: try XCTUnwrap(c.port))
        try mallory.link()
        let victim = try HostileIdentity.generate().address
        let sealed = HostileIdentity.largestPaddedSealed
        let envelopeBytes = try HostileIdentity.paddedJunk(to: victim, sealed: sealed).encoded().count
        let fitting = Self.mailboxBytesPerAddressMax / envelopeBytes
        let started = Date()
        let flood = try mallory.flood(offeredMax: fitting + Self.floodSlackEnvelopes, batch: Self.floodBatch, batchSecondsMax: 30) {
            try HostileIdentity.paddedJunk(to: victim, sealed: sealed)
        }
        print("flood: \(flood.stored) stored, \(flood.refused) refused, \(flood.offered) offered in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        XCTAssertNotNil(flood.firstQuotaRefusal, "C refused with quota within \(flood.offered) offers: \(flood)")
        XCTAssertLessThanOrEqual(flood.stored * envelopeBytes, Self.mailboxBytesPerAddressMax, "\(flood)")
        XCTAssertGreaterThanOrEqual(flood.stored, fitting - 1, "C took the quota's worth first: \(flood)")
        XCTAssertEqual(flood.refused.filter { $0.key != .quota }, [:], "no other refusal: \(flood)")
        try c.checkAlive("after the flood")
        let mailboxes = try XCTUnwrap(c.statusJSON().mailboxes)
        XCTAssertEqual(mailboxes.messages, flood.stored + 1)
        XCTAssertLessThanOrEqual(mailboxes.addresses.first { $0.address == victim.text }?.bytes ?? 0, Self.mailboxBytesPerAddressMax)
        XCTAssertEqual(mailboxes.addresses.first { $0.address == b.address }?.messages, 1, "bob's mail is still there: \(mailboxes)")
        // One more offer after the refusal is refused too, not stored over the quota.
        let more = try mallory.flood(offeredMax: 1, batch: 1, batchSecondsMax: 10) { try HostileIdentity.paddedJunk(to: victim, sealed: sealed) }
        XCTAssertEqual(more.refused[.quota], 1, "\(more)")

        try b.start()
        try waitUntil("bob has the message kept through the flood") { try b.inbox().contains { $0.id == before } }
        let sent = try ferry(["send", "--data", a.dataDir, "bob", "after the flood", "--wait", "\(Int(Harness.deliverySecondsMax))"])
        XCTAssertEqual(sent.exitCode, 0, "\(sent)")
        XCTAssertEqual(sent.stdoutLines.last, "delivered via coordinator, 2 hops", "\(sent)")
        let after = try XCTUnwrap(sent.stdoutLines.first)
        let inbox = try b.inbox()
        XCTAssertEqual(inbox.map(\.id), [before, after])
        XCTAssertTrue(inbox.allSatisfy { $0.path == "coordinator" }, "\(inbox)")
        XCTAssertEqual(try b.status().refusals?.invalidEnvelopes ?? 0, 0, "none of the junk reached bob")
    }

    static let floodBatch = 32
    static let floodSlackEnvelopes = 64

    /// A stranger drops a few junk envelopes (well-formed, padded, unopenable) into Bob's mailbox
    /// at C before Alice's real message. Bob must still get the real message through C: junk in
    /// a mailbox must not lock its owner out (C pushes mailbox contents in order, and B drops a
    /// link after `invalidEnvelopesPerLinkMax` envelopes that do not open).
    func testJunkInAMailboxDoesNotLockItsOwnerOut() throws {
        let c = try makeCoordinator("coord")
        let (a, b) = try makePair()
        try c.start()
        try use([c], at: a)
        try use([c], at: b)
        try a.start()
        try waitUntilCoordinator(c, is: "up", at: a)

        let mallory = try HostilePeer(try HostileIdentity.generate(), port: try XCTUnwrap(c.port))
        try mallory.link()
        let bob = try VerifiedIdentity(card: b.card, now: nil).address
        let junk = try mallory.flood(offeredMax: Self.invalidEnvelopesPerLinkMax, batch: Self.invalidEnvelopesPerLinkMax, batchSecondsMax: 10) {
            try HostileIdentity.paddedJunk(to: bob, sealed: [UInt8](repeating: 0, count: EnvelopeSeal.encapsulatedKeyByteCount + 4096 + EnvelopeSeal.tagByteCount))
        }
        XCTAssertEqual(junk.stored, Self.invalidEnvelopesPerLinkMax, "C takes junk for bob into his mailbox: \(junk)")
        mallory.close()
        let id = try send(from: a, to: "bob", "the real message behind the junk")
        try waitUntilMailboxes(c, hold: Self.invalidEnvelopesPerLinkMax + 1)

        try b.start()
        do {
            try waitUntil("bob has the real message", seconds: Harness.deliverySecondsMax) { try b.inbox().contains { $0.id == id } }
        } catch {
            XCTFail("\(error); bob refused \(try b.status().refusals?.invalidEnvelopes ?? 0) envelopes that do not open, "
                + "links closed for them: \(b.logCount("envelopes that do not open"))")
        }
    }

    /// Nobody but Bob gets Bob's mail from C: a stranger with its own key that links to C gets no
    /// envelope for Bob (checked after a ping round trip, after C took the message), and one that
    /// presents Bob's identity record over its own TLS key is dropped (`wrongPeer`).
    func testAStrangerCannotDrainAnotherAddressesMailbox() throws {
        let c = try makeCoordinator("coord")
        let (a, b) = try makePair()
        try c.start()
        try use([c], at: a)
        try use([c], at: b)
        try a.start()
        try waitUntilCoordinator(c, is: "up", at: a)
        let port = try XCTUnwrap(c.port)

        let eve = try HostilePeer(try HostileIdentity.generate(), port: port)
        try eve.link()
        let id = try send(from: a, to: "bob", "for bob only")
        try waitUntilMailboxes(c, hold: 1)
        try eve.roundTrip()
        let bob = try VerifiedIdentity(card: b.card, now: nil)
        XCTAssertEqual(eve.envelopesReceived.filter { $0.destination == bob.address }.map(\.id.text), [], "a stranger got bob's mail")

        // Bob's record (public: it is in his card) over another key.
        let impostor = try HostilePeer(try HostileIdentity.generate(), port: port)
        try impostor.pump("the TLS handshake completes", seconds: HostilePeer.linkSecondsMax) { impostor.isHandshakeComplete }
        try impostor.send(.hello(Hello(record: bob.record.encoded(), listenPort: 0)))
        try impostor.pump("C drops the impostor", seconds: HostilePeer.linkSecondsMax) { impostor.ended || impostor.closeReason != nil }
        XCTAssertEqual(impostor.closeReason, .wrongPeer)
        XCTAssertEqual(impostor.envelopesReceived.map(\.id.text), [], "the impostor got nothing")
        XCTAssertEqual(try c.mailboxMessages(), 1, "bob's mail is still at C")

        try b.start()
        try waitUntil("bob has his message") { try b.inbox().contains { $0.id == id } }
        try waitUntilMailboxes(c, hold: 0)
        try eve.roundTrip()
        XCTAssertEqual(eve.envelopesReceived.map(\.id.text), [], "nor afterwards")
    }

    /// A stranger that says it is a coordinator (the hello flag) gets no one's mail either: C hands
    /// mailbox copies to the coordinators it reconciles with, not to anyone who raises a flag.
    func testAStrangerClaimingToBeACoordinatorGetsNoMail() throws {
        let c = try makeCoordinator("coord")
        let (a, b) = try makePair()
        try c.start()
        try use([c], at: a)
        try use([c], at: b)
        try a.start()
        try waitUntilCoordinator(c, is: "up", at: a)

        let me = try HostileIdentity.generate()
        let eve = try HostilePeer(me, port: try XCTUnwrap(c.port))
        try eve.pump("the TLS handshake completes", seconds: HostilePeer.linkSecondsMax) { eve.isHandshakeComplete }
        try eve.send(.hello(Hello(record: me.record.encoded(), listenPort: 0, flags: Hello.flagCoordinator, capabilities: .all)))
        _ = try eve.awaitFrame("C's hello", seconds: HostilePeer.linkSecondsMax) {
            if case .hello = $0 { return true }
            return false
        }
        _ = try send(from: a, to: "bob", "for bob only")
        try waitUntilMailboxes(c, hold: 1)
        try eve.roundTrip()
        let bob = try VerifiedIdentity(card: b.card, now: nil).address
        let got = eve.envelopesReceived.filter { $0.destination == bob }
        XCTAssertEqual(got.map(\.id.text), [], "a self-declared coordinator got bob's envelope (sealed, but its header, size and timing)")
    }

    /// A typo in a flag: exit 64 with one line naming it and the right one; no data directory made.
    func testCoordinatorFlagTypoIsAUsageError() throws {
        let dir = scratch.appendingPathComponent("typo").path
        let run = try ferry(["coordinator", "--listne", "127.0.0.1:0", "--data", dir], timeout: 10)
        XCTAssertEqual(run.exitCode, 64, "\(run)")
        XCTAssertEqual(run.stderrLines.first, "Error: Unknown option '--listne'. Did you mean '--listen'?", "\(run)")
        XCTAssertEqual(run.stdout, "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir), "nothing created for a command that did not run")
    }
}
