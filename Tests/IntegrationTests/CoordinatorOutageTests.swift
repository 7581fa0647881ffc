import FerryControl
import Foundation
import XCTest

/// The coordinator going away (DESIGN.md §Routing: "if none arrives within a bound, or the
/// coordinator link drops, the message is also released into the mesh"; §Persistence: "a message
/// accepted is never lost by a crash (`kill -9`) of any process").
final class CoordinatorOutageTests: IntegrationTestCase {
    /// `coordinatorReleaseMilliseconds` (CoreLimits), in seconds.
    static let releaseBoundSeconds: TimeInterval = 3
    /// Slack on top of a bound for process scheduling on a loaded machine.
    static let slackSeconds: TimeInterval = 2
    /// A node redials a coordinator with backoff (at most 15 s ± 50 %): long enough for that.
    static let relinkSecondsMax: TimeInterval = 30

    /// A–R–B by `--peer`, all with C: C is SIGKILLed and A sends at once. The link drop releases
    /// the message into the mesh: B gets it through R (path `mesh`, 2 hops) well within the
    /// release bound plus slack.
    func testCoordinatorKilledMessageStillCrossesTheMesh() throws {
        let (c, a, r, b) = try startMeshWithCoordinator()
        try waitUntilCoordinator(c, is: "up", at: b)
        try waitUntilCoordinator(c, is: "up", at: r)

        c.kill9()
        let killed = Date()
        let text = "coordinator just died \(UUID().uuidString)"
        let sent = try ferry(["send", "--data", a.dataDir, "bob", text, "--wait", "\(Int(Harness.deliverySecondsMax))"])
        let took = Date().timeIntervalSince(killed)
        print("coordinator killed → delivered over the mesh in \(String(format: "%.2f", took)) s")
        XCTAssertEqual(sent.exitCode, 0, "\(sent)")
        let id = try XCTUnwrap(sent.stdoutLines.first)
        XCTAssertEqual(sent.stdoutLines.last, "delivered via mesh, 2 hops", "\(sent)")
        XCTAssertLessThan(took, Self.releaseBoundSeconds + Self.slackSeconds, "delivery after the kill took \(took) s")
        let inbox = try b.inbox()
        XCTAssertEqual(inbox.map(\.id), [id], "bob holds the message once")
        XCTAssertEqual(inbox.first?.text, text)
        XCTAssertEqual(inbox.first?.path, "mesh")
        XCTAssertEqual(inbox.first?.hops, 2)
        XCTAssertEqual(try a.coordinatorInfo(c)?.state, "down")
    }

    /// The same mesh, but C hangs (SIGSTOP) instead of dying: its links stay open, A hands the
    /// message to it and gets no proof. The mesh is held back for the release bound, then B gets
    /// it through R — not before the bound, and not much after it.
    func testHungCoordinatorIsBypassedAfterTheReleaseBound() throws {
        let (c, a, _, b) = try startMeshWithCoordinator()
        try c.suspend()
        defer { c.resume() }
        let suspended = Date()
        let sent = try ferry(["send", "--data", a.dataDir, "bob", "coordinator hangs", "--wait", "\(Int(Harness.deliverySecondsMax))"])
        let took = Date().timeIntervalSince(suspended)
        print("coordinator hung → delivered over the mesh in \(String(format: "%.2f", took)) s")
        XCTAssertEqual(sent.exitCode, 0, "\(sent)")
        XCTAssertEqual(sent.stdoutLines.last, "delivered via mesh, 2 hops", "\(sent)")
        let id = try XCTUnwrap(sent.stdoutLines.first)
        // The hung link is dropped after the coordinator idle timeout (6 s) at the latest, which
        // releases the message too: either way it is out by then.
        XCTAssertGreaterThanOrEqual(took, Self.releaseBoundSeconds - 0.5, "the mesh waited for the coordinator first")
        XCTAssertLessThan(took, 6 + Self.slackSeconds, "delivery after the hang took \(took) s")
        XCTAssertEqual(try a.coordinatorInfo(c)?.handed, 1, "alice handed it to the hung coordinator first")
        XCTAssertEqual(try b.inbox().map(\.id), [id])
    }

    /// A and B use only C and have no mesh path. C is SIGKILLed, A sends (it stays in A's outbox),
    /// C restarts on the same data directory and port: both relink, A hands the message over
    /// (catch-up on relink) and B gets it exactly once, path `coordinator`.
    func testCoordinatorDownWithoutAPathDeliversOnceWhenItIsBack() throws {
        let c = try makeCoordinator("coord")
        let (a, b) = try makePair()
        try c.start()
        try use([c], at: a)
        try use([c], at: b)
        try a.start()
        try b.start()
        try waitUntilCoordinator(c, is: "up", at: a)
        try waitUntilCoordinator(c, is: "up", at: b)

        let port = try XCTUnwrap(c.port)
        let killedAtMs = UInt64(Date().timeIntervalSince1970 * 1000)
        c.kill9()
        try waitUntilCoordinator(c, is: "down", at: a)
        // Down, and since when: the moment its link dropped, not the node's start.
        let down = try XCTUnwrap(try a.coordinatorInfo(c))
        let downSince = try XCTUnwrap(down.sinceMs, "a coordinator that is down says since when")
        XCTAssertGreaterThanOrEqual(downSince + 50, killedAtMs)
        XCTAssertNotNil(down.lastError)
        let statusText = try ferry(["status", "--data", a.dataDir])
        XCTAssertEqual(statusText.exitCode, 0)
        XCTAssertTrue(
            statusText.stdout.contains("coordinator \(c.address)@127.0.0.1:\(port)  down for "), "status shows it: \(statusText.stdout)")
        let text = "sent while the coordinator is down \(UUID().uuidString)"
        let id = try send(from: a, to: "bob", text)
        XCTAssertEqual(try a.outboxJSON().map(\.id), [id], "nothing can take it yet")
        XCTAssertEqual(try b.inbox(), [])

        try c.start()
        let restarted = Date()
        try waitUntil("bob has the message", seconds: Self.relinkSecondsMax) { try b.inbox().contains { $0.id == id } }
        print("coordinator restarted → delivered in \(String(format: "%.2f", Date().timeIntervalSince(restarted))) s")
        let receipt = try a.waitForReceipt(id, seconds: Self.relinkSecondsMax)
        XCTAssertEqual(receipt.path, "coordinator")
        XCTAssertEqual(receipt.hops, 2)
        try waitUntilMailboxes(c, hold: 0)
        let inbox = try b.inbox()
        XCTAssertEqual(inbox.map(\.id), [id], "exactly once")
        XCTAssertEqual(inbox.first?.text, text)
        XCTAssertEqual(inbox.first?.path, "coordinator")
        XCTAssertEqual(try b.status().inbox, 1)
    }

    /// C takes A's message into B's mailbox (B has never started) and is SIGKILLed holding it. The
    /// link drop releases it into the mesh: R takes a copy, B comes up linked to R and gets it
    /// from there (path `mesh`). When C is back, B's proof purges C's stale copy.
    func testCoordinatorDiesHoldingCustodyRecipientGetsItOverTheMesh() throws {
        let (c, a, r, b) = try makeMeshWithCoordinator()
        try c.start()
        for node in [a, r, b] { try use([c], at: node) }
        try r.start()
        try a.start(peers: [try r.pin])
        try waitUntilLinked(a, r)
        try waitUntilCoordinator(c, is: "up", at: a)

        let sentAt = Date()
        let id = try send(from: a, to: "bob", "held by a coordinator that dies \(UUID().uuidString)")
        try waitUntilMailboxes(c, hold: 1)
        // Before the release bound the mesh is held back for the coordinator.
        let relayNow = try r.status().relay
        if Date().timeIntervalSince(sentAt) < Self.releaseBoundSeconds - 0.5 {
            XCTAssertEqual(relayNow, 0, "the relay got no copy while the coordinator had it and the bound had not passed")
        }

        c.kill9()
        try waitUntilRelay(r, holds: 1)
        try b.start(peers: [try r.pin])
        let receipt = try a.waitForReceipt(id)
        XCTAssertEqual(receipt.path, "mesh")
        XCTAssertEqual(receipt.hops, 2)
        XCTAssertEqual(try b.inbox().map(\.id), [id])
        XCTAssertEqual(try b.inbox().first?.path, "mesh")

        try c.start()
        try waitUntilMailboxes(c, hold: 0, seconds: Self.relinkSecondsMax)
        XCTAssertEqual(try b.inbox().map(\.id), [id], "still once after the coordinator is back")
        try waitUntilRelay(r, holds: 0)
    }

    /// C takes A's message into B's mailbox and is SIGKILLed holding it; nobody else has a path to
    /// B. C restarts with the copy (it survived the crash), B links to C for the first time and
    /// gets it once (path `coordinator`); the proof purges the copy.
    func testCoordinatorDiesHoldingCustodyAndDeliversAfterRestart() throws {
        let c = try makeCoordinator("coord")
        let (a, b) = try makePair()
        try c.start()
        try use([c], at: a)
        try use([c], at: b)
        try a.start()
        try waitUntilCoordinator(c, is: "up", at: a)
        let id = try send(from: a, to: "bob", "held through a crash \(UUID().uuidString)")
        try waitUntilMailboxes(c, hold: 1)

        c.kill9()
        try c.start()
        XCTAssertEqual(try c.mailboxMessages(), 1, "the mailbox copy survived the crash")
        try b.start()
        try waitUntil("bob has the message", seconds: Self.relinkSecondsMax) { try b.inbox().contains { $0.id == id } }
        XCTAssertEqual(try b.inbox().first?.path, "coordinator")
        let receipt = try a.waitForReceipt(id, seconds: Self.relinkSecondsMax)
        XCTAssertEqual(receipt.path, "coordinator")
        try waitUntilMailboxes(c, hold: 0)
        XCTAssertEqual(try b.inbox().map(\.id), [id], "exactly once")
    }

    // MARK: Setup

    /// A coordinator and three nodes (alice, relay, bob), none started; alice and bob know each
    /// other's cards.
    private func makeMeshWithCoordinator() throws -> (FerryNodeProcess, FerryNodeProcess, FerryNodeProcess, FerryNodeProcess) {
        let c = try makeCoordinator("coord")
        let (a, b) = try makePair()
        let r = try makeNode("relay")
        return (c, a, r, b)
    }

    /// C up, then R, then A and B each with R as their only `--peer`, all three using C; returns
    /// once both mesh links are up and A sees C up.
    private func startMeshWithCoordinator() throws -> (FerryNodeProcess, FerryNodeProcess, FerryNodeProcess, FerryNodeProcess) {
        let (c, a, r, b) = try makeMeshWithCoordinator()
        try c.start()
        for node in [a, r, b] { try use([c], at: node) }
        try r.start()
        try a.start(peers: [try r.pin])
        try b.start(peers: [try r.pin])
        try waitUntilLinked(a, r)
        try waitUntilLinked(b, r)
        try waitUntilCoordinator(c, is: "up", at: a)
        return (c, a, r, b)
    }
}
