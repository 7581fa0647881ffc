import FerryCore
import FerryCrypto
import FerryStore
import FerryWire
import XCTest

/// The coordinator role and nodes using coordinators, on a manual clock (DESIGN.md §The coordinator).
final class CoordinatorCoreTests: XCTestCase {
    private func coordinator(seed: UInt64, limits: CoreLimits = CoreLimits()) throws -> TestNode {
        let node = try TestNode(seed: seed, limits: limits)
        node.core.isCoordinator = true
        return node
    }

    private func send(_ text: String, from sender: TestNode, to recipient: TestNode, in net: TestNet) throws -> MessageID {
        let (id, actions) = try sender.core.submit(body: Array(text.utf8), to: recipient.verified, now: net.now)
        net.apply(actions, at: sender)
        net.run()
        return id
    }

    func testHomesAreTheSameEverywhereAndSpreadOverTheList() throws {
        let coordinators = try (0..<5).map { _ in try NodeIdentity.generate().address }
        let ring = CoordinatorRing(coordinators: coordinators)
        let shuffled = CoordinatorRing(coordinators: coordinators.reversed())
        var counts: [Address: Int] = [:]
        for _ in 0..<200 {
            let address = try NodeIdentity.generate().address
            let homes = ring.homes(of: address)
            XCTAssertEqual(homes.count, 2)
            XCTAssertEqual(homes, shuffled.homes(of: address), "the order of the list does not matter")
            for home in homes { counts[home, default: 0] += 1 }
        }
        XCTAssertEqual(counts.count, 5, "every coordinator is home for some addresses")
        // Removing a coordinator moves only the addresses it was home for.
        let fewer = CoordinatorRing(coordinators: Array(coordinators.dropFirst()))
        for _ in 0..<100 {
            let address = try NodeIdentity.generate().address
            let before = ring.homes(of: address)
            if !before.contains(coordinators[0]) { XCTAssertEqual(fewer.homes(of: address), before) }
        }
    }

    func testMailGoesThroughTheCoordinatorAndWaitsThereForTheRecipient() throws {
        let net = TestNet()
        let c = try coordinator(seed: 1), a = try TestNode(seed: 2), b = try TestNode(seed: 3)
        for node in [a, b] { node.core.ring = CoordinatorRing(coordinators: [c.address]) }
        net.dial(a, c)
        let id = try send("via c", from: a, to: b, in: net)
        XCTAssertEqual(try c.store.counts().relay, 0, "a coordinator keeps mailboxes, not relay copies")
        XCTAssertEqual(c.core.mailboxSummary.count, 1)
        net.dial(b, c)
        XCTAssertEqual(b.delivered.map(\.id), [id])
        XCTAssertEqual(b.delivered.first?.path, .coordinator)
        XCTAssertEqual(a.proofs, [id])
        XCTAssertEqual(a.proofPaths.first?.0, .coordinator)
        XCTAssertEqual(c.core.mailboxSummary.count, 0, "the proof ends the mailbox copy")
    }

    func testTheMeshWaitsForTheHandoffThenTakesOverAfterTheBound() throws {
        let net = TestNet()
        let c = try coordinator(seed: 1), a = try TestNode(seed: 2), r = try TestNode(seed: 3), b = try TestNode(seed: 4)
        for node in [a, r, b] { node.core.ring = CoordinatorRing(coordinators: [c.address]) }
        net.dial(a, c)
        net.dial(a, r)
        _ = try send("coordinator first", from: a, to: b, in: net)
        XCTAssertEqual(try r.store.counts().relay, 0, "no mesh copy while the coordinator may deliver")
        net.now = net.now.adding(milliseconds: a.core.limits.coordinatorReleaseMilliseconds + 1)
        net.apply(a.core.tick(now: net.now), at: a)
        net.run()
        XCTAssertEqual(try r.store.counts().relay, 1, "released into the mesh after the bound")
    }

    func testALostCoordinatorLinkReleasesAtOnce() throws {
        let net = TestNet()
        let c = try coordinator(seed: 1), a = try TestNode(seed: 2), r = try TestNode(seed: 3), b = try TestNode(seed: 4)
        for node in [a, r, b] { node.core.ring = CoordinatorRing(coordinators: [c.address]) }
        let (toC, _) = net.dial(a, c)
        net.dial(a, r)
        _ = try send("then c dies", from: a, to: b, in: net)
        XCTAssertEqual(try r.store.counts().relay, 0)
        net.close(a, toC)
        XCTAssertEqual(try r.store.counts().relay, 1, "the mesh takes over the moment the coordinator is gone")
        net.dial(b, r)
        XCTAssertEqual(b.delivered.count, 1)
        XCTAssertEqual(b.delivered.first?.path, .mesh)
    }

    func testAMailboxFloodIsRefusedAndOthersMailStillFits() throws {
        var limits = CoreLimits()
        limits.mailboxBytesPerAddressMax = 20_000  // about three 5.3 KB envelopes
        let net = TestNet()
        let c = try coordinator(seed: 1, limits: limits)
        let a = try TestNode(seed: 2), victim = try TestNode(seed: 3), other = try TestNode(seed: 4)
        for node in [a, victim, other] { node.core.ring = CoordinatorRing(coordinators: [c.address]) }
        net.dial(a, c)
        for index in 0..<8 { _ = try send("flood \(index)", from: a, to: victim, in: net) }
        XCTAssertLessThanOrEqual(c.core.mailboxSummary.bytes, limits.mailboxBytesPerAddressMax)
        XCTAssertTrue(a.logs.contains { $0.contains("refused") && $0.contains("quota") }, "the sender is told: quota")
        let id = try send("to someone else", from: a, to: other, in: net)
        net.dial(other, c)
        XCTAssertEqual(other.delivered.map(\.id), [id], "another address's mail is not lost")
    }

    func testCatchUpHandsTheCoordinatorWhatWaitedWhileItWasDown() throws {
        let net = TestNet()
        let c = try coordinator(seed: 1), a = try TestNode(seed: 2), b = try TestNode(seed: 3)
        for node in [a, b] { node.core.ring = CoordinatorRing(coordinators: [c.address]) }
        var ids: [MessageID] = []
        for index in 0..<5 { ids.append(try send("while c was down \(index)", from: a, to: b, in: net)) }
        net.dial(a, c)  // c comes back
        XCTAssertEqual(c.core.mailboxSummary.count, 5)
        net.dial(b, c)
        XCTAssertEqual(Set(b.delivered.map(\.id)), Set(ids))
        XCTAssertEqual(b.delivered.count, 5, "each once")
    }
}
