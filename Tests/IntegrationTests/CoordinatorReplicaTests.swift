import FerryControl
import Foundation
import XCTest

/// Two coordinators serving one mesh (DESIGN.md §The coordinator: home coordinators by consistent
/// hashing with replication factor 2; "coordinators that come back reconcile with each other
/// through the same sync").
final class CoordinatorReplicaTests: IntegrationTestCase {
    /// A node redials a coordinator with backoff (at most 15 s ± 50 %): long enough for that.
    static let relinkSecondsMax: TimeInterval = 30

    /// C1 and C2 (each the other's `--peer`), A and B using both, so both are B's homes:
    /// 1. all up: A→B via a coordinator, handed to both; neither keeps a copy.
    /// 2. B offline: m0 is kept by both. C1 is SIGKILLed holding m0; B comes back and gets m0 from
    ///    C2; then m2 goes through C2 alone while C1 is down.
    /// 3. A and B offline, C1 still down: C2 keeps m3 (from A, before A stops).
    /// 4. C1 back with only C2 to talk to: they reconcile — C1 learns m0's proof (drops its stale
    ///    copy) and gets m3 from C2.
    /// 5. B back: m3 once, and both mailboxes end empty. B's inbox holds every message once.
    func testTwoCoordinatorsServeThroughAnOutageAndReconcile() throws {
        try serveThroughAnOutageAndReconcile(try startTwoCoordinators(mutual: true))
    }

    /// The same with only C2 dialling C1 (`--peer` one way): the reconciliation and routing on
    /// their own, apart from how two coordinators that both dial settle their link.
    func testTwoCoordinatorsPeeredOneWayServeThroughAnOutageAndReconcile() throws {
        try serveThroughAnOutageAndReconcile(try startTwoCoordinators(mutual: false))
    }

    /// Two coordinators that each have the other as `--peer` keep answering and keep their link:
    /// watched for longer than the coordinator idle timeout (6 s), every `status` is answered
    /// within a second and the link that came up first is still the one up. (C2's first dial of
    /// C1 fails while C1 restarts, so C2's seed is waiting on its backoff when C1's dial links them.)
    func testCoordinatorsPeeringEachOtherKeepAnsweringAndTheirLink() throws {
        let c1 = try makeCoordinator("coord1")
        let c2 = try makeCoordinator("coord2")
        try c1.start()
        c1.stop()
        try c2.start(peers: [try c1.pin])
        try c1.start(peers: [try c2.pin])
        try waitUntil("C1 and C2 are linked") { try c1.isLinked(to: c2) && c2.isLinked(to: c1) }
        let link = try XCTUnwrap(c1.peerLinks().first { $0.established && $0.address == c2.address })

        var slowest: (name: String, seconds: TimeInterval) = ("", 0)
        let watchUntil = Date().addingTimeInterval(Self.watchSeconds)
        for _ in 0..<Int(Self.watchSeconds * 1000 / Double(Self.watchPollMilliseconds)) + 1 where Date() < watchUntil {
            for coordinator in [c1, c2] {
                let asked = Date()
                let answered = (try? coordinator.client().call(ControlRequest(op: "status"), timeoutMilliseconds: Self.answerMillisecondsMax * 2))?.ok == true
                let took = Date().timeIntervalSince(asked)
                if !answered || took > slowest.seconds { slowest = (coordinator.name, answered ? took : .infinity) }
            }
            usleep(Self.watchPollMilliseconds * 1000)
        }
        XCTAssertLessThan(slowest.seconds * 1000, Double(Self.answerMillisecondsMax),
            "\(slowest.name) " + (slowest.seconds.isFinite ? "took \(slowest.seconds) s to answer status" : "did not answer status within \(Self.answerMillisecondsMax * 2) ms"))
        let still = try c1.peerLinks().first { $0.established && $0.address == c2.address }
        XCTAssertEqual(still?.sinceMs, link.sinceMs, "the link between the coordinators stayed up (no idle timeout)")
        try c1.checkAlive("after the watch")
        try c2.checkAlive("after the watch")
        print("slowest status answer: \(slowest.name) \(String(format: "%.3f", slowest.seconds)) s")
    }

    /// Longer than the coordinator idle timeout (CoreLimits: 6 s), so a link nobody answers on drops.
    static let watchSeconds: TimeInterval = 8
    static let watchPollMilliseconds: UInt32 = 200
    static let answerMillisecondsMax = 1_000

    private func serveThroughAnOutageAndReconcile(
        _ started: (FerryNodeProcess, FerryNodeProcess, FerryNodeProcess, FerryNodeProcess)
    ) throws {
        let (c1, c2, a, b) = started

        // 1. Both up.
        let sent = try ferry(["send", "--data", a.dataDir, "bob", "m1 both up", "--wait", "\(Int(Harness.deliverySecondsMax))"])
        XCTAssertEqual(sent.exitCode, 0, "\(sent)")
        XCTAssertEqual(sent.stdoutLines.last, "delivered via coordinator, 2 hops", "\(sent)")
        let m1 = try XCTUnwrap(sent.stdoutLines.first)
        XCTAssertEqual(try a.coordinatorInfo(c1)?.handed, 1, "C1 is one of bob's two homes")
        XCTAssertEqual(try a.coordinatorInfo(c2)?.handed, 1, "C2 is the other")
        try waitUntilMailboxes(c1, hold: 0)
        try waitUntilMailboxes(c2, hold: 0)

        // 2. B offline: m0 lands at both; C1 dies with it; B gets it from C2, then m2 via C2 alone.
        b.stop()
        let m0 = try send(from: a, to: "bob", "m0 kept by both")
        try waitUntilMailboxes(c1, hold: 1)
        try waitUntilMailboxes(c2, hold: 1)
        c1.kill9()
        try b.start()
        try waitUntil("bob has m0 from C2", seconds: Self.relinkSecondsMax) { try b.inbox().contains { $0.id == m0 } }
        XCTAssertEqual(try b.inbox().first { $0.id == m0 }?.path, "coordinator")
        try waitUntilMailboxes(c2, hold: 0)
        try waitUntilCoordinator(c1, is: "down", at: a)
        let viaC2 = try ferry(["send", "--data", a.dataDir, "bob", "m2 C1 down", "--wait", "\(Int(Harness.deliverySecondsMax))"])
        XCTAssertEqual(viaC2.exitCode, 0, "\(viaC2)")
        XCTAssertEqual(viaC2.stdoutLines.last, "delivered via coordinator, 2 hops", "\(viaC2)")
        let m2 = try XCTUnwrap(viaC2.stdoutLines.first)

        // 3. B offline again, C1 still down: only C2 takes m3. A stops, so C1 can get m3 only from C2.
        b.stop()
        let m3 = try send(from: a, to: "bob", "m3 only at C2")
        try waitUntilMailboxes(c2, hold: 1)
        a.stop()

        // 4. C1 back: it reconciles with C2 (nobody else is up).
        try c1.start()
        let back = Date()
        try waitUntil("C1 and C2 are linked", seconds: Self.relinkSecondsMax) { try c1.isLinked(to: c2) && c2.isLinked(to: c1) }
        try waitUntil("C1 dropped m0 (proof from C2) and holds m3 (copy from C2)", seconds: Self.relinkSecondsMax) {
            let mailbox = try XCTUnwrap(c1.statusJSON().mailboxes)
            return mailbox.messages == 1 && mailbox.addresses.map(\.address) == [b.address]
        }
        print("C1 back → reconciled with C2 in \(String(format: "%.2f", Date().timeIntervalSince(back))) s")
        XCTAssertEqual(try c2.mailboxMessages(), 1)

        // 5. B back: m3 once, both mailboxes empty.
        try b.start()
        try waitUntil("bob has m3", seconds: Self.relinkSecondsMax) { try b.inbox().contains { $0.id == m3 } }
        try waitUntilMailboxes(c1, hold: 0, seconds: Self.relinkSecondsMax)
        try waitUntilMailboxes(c2, hold: 0, seconds: Self.relinkSecondsMax)
        let inbox = try b.inbox()
        XCTAssertEqual(inbox.map(\.id).sorted(), [m1, m0, m2, m3].sorted(), "every message once: \(inbox.map { ($0.id, $0.text) })")
        XCTAssertEqual(inbox.first { $0.id == m3 }?.path, "coordinator")

        // A back: it learns m3's proof from a coordinator it relinks to, and nothing is sent again.
        try a.start()
        let receipt = try a.waitForReceipt(m3, seconds: Self.relinkSecondsMax)
        XCTAssertEqual(receipt.path, "coordinator")
        XCTAssertEqual(try b.inbox().count, 4)
    }

    /// C1 and C2, C2 with C1 as `--peer` and, if `mutual`, C1 with C2 (C1 is started once
    /// first to learn its port), then A and B using both; returns when A and B see both up.
    private func startTwoCoordinators(mutual: Bool) throws -> (FerryNodeProcess, FerryNodeProcess, FerryNodeProcess, FerryNodeProcess) {
        let c1 = try makeCoordinator("coord1")
        let c2 = try makeCoordinator("coord2")
        let (a, b) = try makePair()
        try c1.start()
        c1.stop()
        try c2.start(peers: [try c1.pin])
        try c1.start(peers: mutual ? [try c2.pin] : [])
        try waitUntil("C1 and C2 are linked") { try c1.isLinked(to: c2) && c2.isLinked(to: c1) }
        try use([c1, c2], at: a)
        try use([c1, c2], at: b)
        try a.start()
        try b.start()
        for node in [a, b] {
            for coordinator in [c1, c2] { try waitUntilCoordinator(coordinator, is: "up", at: node) }
        }
        return (c1, c2, a, b)
    }
}
