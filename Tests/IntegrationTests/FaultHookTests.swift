import FerryControl
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The fault hook on the control socket (docs/CONTROL.md §Faults): off without `--testing`; with
/// it, a cut keeps two nodes apart from one end while the mesh carries on, a heal brings the link
/// back, impaired links still deliver (later), bad requests are refused by name, and the table of
/// faults is bounded.
final class FaultHookTests: IntegrationTestCase {
    /// Without `--testing` a fault request changes nothing and says how to turn it on; messages flow.
    func testFaultsAreRefusedWithoutTesting() throws {
        let (a, b) = try makePair()
        try b.start()
        try a.start(peers: [try b.pin])
        try waitUntilLinked(a, b)
        let reply = try fault(a, "cut", peer: b.address)
        XCTAssertEqual(reply, ControlReply(ok: false, error: "fault injection is off: start the node with --testing"))
        let status = try a.statusJSON()
        XCTAssertEqual(status.testing, false)
        XCTAssertNil(status.faults)
        XCTAssertTrue(try a.isLinked(to: b), "the refused cut closed nothing")
        let id = try send(from: a, to: "bob", "no faults here")
        XCTAssertEqual(try a.waitForReceipt(id).path, "direct")
        XCTAssertEqual(a.logCount("faults can be injected"), 0, "no testing warning")
    }

    /// a—b directly and a—r—b through a relay, each seeding the other. A cut on a alone drops the
    /// a–b link and keeps it down (b's redials are refused at the handshake, a's own dial waits);
    /// a message a→b goes round through r; a heal brings the link back; a restart forgets faults.
    func testCutOnOneEndKeepsTwoNodesApartWhileTheMeshDelivers() throws {
        let (a, b) = try makePair()
        let r = try makeNode("relay")
        for node in [a, b, r] { node.extraRunArguments = ["--no-discovery", "--testing"] }
        let aPin = "\(a.address)@127.0.0.1:\(try RawSocket.freePort())"
        try b.start(peers: [aPin])
        try r.start(peers: [aPin, try b.pin])
        try a.start(listen: String(aPin.split(separator: "@")[1]), peers: [try b.pin])
        try waitUntilLinked(a, b)
        try waitUntilLinked(a, r)
        try waitUntilLinked(r, b)
        XCTAssertEqual(a.logCount("faults can be injected"), 1, "one warning line at start")

        try applyFault(a, "cut", peer: b.address)
        XCTAssertEqual(try a.status().faults, [FaultInfo(peer: b.address, cut: true, lossPercent: 0, delayMs: 0)])
        try waitUntil("the a–b link is down at both ends") { try !a.isLinked(to: b) && !b.isLinked(to: a) }
        // b redials a (its seed) within its backoff; a refuses it as soon as the handshake names b.
        try waitUntil("a refused a redial from b") { a.logCount("is cut by a testing fault") >= 1 }
        XCTAssertFalse(try a.isLinked(to: b), "the redial did not link")
        XCTAssertFalse(try b.isLinked(to: a))
        XCTAssertTrue(try a.isLinked(to: r), "other links stay up")

        let id = try send(from: a, to: "bob", "around the cut")
        XCTAssertEqual(try a.waitForReceipt(id).path, "mesh")
        let inbox = try b.inbox()
        XCTAssertEqual(inbox.map(\.id), [id])
        XCTAssertEqual(inbox.first?.path, "mesh")
        XCTAssertFalse(try a.isLinked(to: b), "still cut after the delivery")

        try applyFault(a, "heal", peer: b.address)
        XCTAssertEqual(try a.status().faults, [])
        try waitUntilLinked(a, b)

        try applyFault(a, "cut", peer: b.address)
        try waitUntil("the a–b link is down again") { !(try a.isLinked(to: b)) }
        a.stop()
        try a.start()
        XCTAssertEqual(try a.statusJSON().faults, [], "faults live in memory only")
        try waitUntilLinked(a, b)
    }

    /// Delay on both ends: a message arrives, and later than the delay (a lower bound, not a speed).
    /// 50 % loss still delivers. Clear leaves no faults.
    func testImpairedLinksDelayButDeliver() throws {
        let (a, b) = try makePair()
        for node in [a, b] { node.extraRunArguments = ["--no-discovery", "--testing"] }
        try b.start()
        try a.start(peers: [try b.pin])
        try waitUntilLinked(a, b)
        try applyFault(a, "impair", peer: b.address, delay: 300)
        try applyFault(b, "impair", peer: a.address, delay: 300)
        XCTAssertEqual(try a.statusJSON().faults, [FaultInfo(peer: b.address, cut: false, lossPercent: 0, delayMs: 300)])

        let started = Date()
        let id = try send(from: a, to: "bob", "slowly")
        XCTAssertEqual(try a.waitForReceipt(id).path, "direct")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.6, "300 ms there and 300 ms for the proof back")
        let delivered = try XCTUnwrap(try b.inbox().first { $0.id == id })
        XCTAssertGreaterThanOrEqual(delivered.receivedAtMs, delivered.sentAtMs + 300, "the envelope waited 300 ms at a")

        try applyFault(a, "impair", peer: b.address, loss: 50, delay: 0)
        try applyFault(b, "impair", peer: a.address, loss: 50, delay: 0)
        XCTAssertEqual(try b.status().faults, [FaultInfo(peer: a.address, cut: false, lossPercent: 50, delayMs: 0)])
        let lossy = try send(from: a, to: "bob", "through loss")
        XCTAssertEqual(try a.waitForReceipt(lossy).path, "direct")
        XCTAssertTrue(try b.inbox().contains { $0.id == lossy })

        try applyFault(a, "clear", peer: b.address)
        try applyFault(b, "clear", peer: a.address)
        XCTAssertEqual(try a.statusJSON().faults, [])
        XCTAssertEqual(try b.statusJSON().faults, [])
        XCTAssertTrue(try a.isLinked(to: b), "impairment never closed the link")
    }

    /// Bad requests are refused with a sentence naming what is wrong; nothing changes; the node is fine.
    func testMalformedFaultRequestsAreRefusedByName() throws {
        let a = try makeNode("alice")
        a.extraRunArguments = ["--no-discovery", "--testing"]
        try a.start()
        let peer = String(repeating: "ab", count: 16)
        let typed: [(ControlRequest, String)] = [
            (request(nil, peer: peer), "a fault request needs 'fault'"),
            (request("explode", peer: peer), "unknown fault 'explode'"),
            (request("cut", peer: nil), "'cut' needs 'peer'"),
            (request("cut", peer: "bob"), "'peer' must be the full 32-character hex address"),
            (request("cut", peer: String(peer.dropLast())), "'peer' must be"),
            (request("impair", peer: peer), "'impair' needs 'loss_percent'"),
            (request("impair", peer: peer, loss: 150), "'loss_percent' must be from 0 to 100, not 150"),
            (request("impair", peer: peer, delay: 60_001), "'delay_ms' must be from 0 to 60000"),
            (request("impair", peer: peer, delay: .max), "'delay_ms' must be from 0 to 60000"),
            (request("clear_all", peer: peer), "takes no 'peer'"),
        ]
        for (request, expected) in typed {
            let reply = try a.client().call(request, timeoutMilliseconds: 5_000)
            XCTAssertFalse(reply.ok, "\(request)")
            XCTAssertTrue(reply.error?.contains(expected) == true, "\(reply.error ?? "no error") should say: \(expected)")
        }
        let raw: [(String, String)] = [
            (#"{"op":"fault","fault":"impair","peer":"\#(peer)","delay_ms":-1}"#, "'delay_ms' must be a whole number, 0 or more, not -1"),
            (#"{"op":"fault","fault":"impair","peer":"\#(peer)","delay_ms":1e30}"#, "'delay_ms' must be a whole number, 0 or more, not 1e+30"),
            (#"{"op":"fault","fault":"impair","peer":"\#(peer)","loss_percent":"lots"}"#, #"'loss_percent' must be a number, not "lots""#),
            (#"{"op":"fault","fault":7}"#, "'fault' must be a string, not 7"),
            (#"{"op":5}"#, "'op' must be a string, not 5"),
            (#"{"fault":"cut"}"#, "the request needs 'op'"),
            ("[1,2]", "not a JSON request"),
        ]
        for (line, expected) in raw {
            let reply = try rawCall(a, line)
            XCTAssertFalse(reply.ok, line)
            XCTAssertTrue(reply.error?.contains(expected) == true, "\(reply.error ?? "no error") should say: \(expected)")
        }
        try a.checkAlive("after malformed fault requests")
        let status = try a.statusJSON()
        XCTAssertEqual(status.testing, true)
        XCTAssertEqual(status.faults, [], "nothing was applied")
    }

    /// A flood of fault requests for made-up peers fills the table to its bound and no further;
    /// clear_all empties it.
    func testFaultTableIsBounded() throws {
        let a = try makeNode("alice")
        a.extraRunArguments = ["--no-discovery", "--testing"]
        try a.start()
        let client = try a.client()
        let peersMax = 1024
        for index in 0..<peersMax {
            let reply = try client.call(request("cut", peer: Self.madeUpAddress(index)), timeoutMilliseconds: 5_000)
            guard reply.ok else { throw HarnessError("cut \(index) refused: \(reply)") }
        }
        let over = try client.call(request("impair", peer: Self.madeUpAddress(peersMax), delay: 10), timeoutMilliseconds: 5_000)
        XCTAssertFalse(over.ok)
        XCTAssertTrue(over.error?.contains("already has faults for 1024 peers, the most it keeps") == true, "\(over)")
        let again = try client.call(request("impair", peer: Self.madeUpAddress(0), delay: 10), timeoutMilliseconds: 5_000)
        XCTAssertTrue(again.ok, "a peer already held can still change: \(again)")
        XCTAssertEqual(try a.status().faults?.count, peersMax)
        XCTAssertTrue(try client.call(request("clear_all", peer: nil), timeoutMilliseconds: 5_000).ok)
        XCTAssertEqual(try a.status().faults, [])
        try a.checkAlive("after the flood")
    }

    // MARK: Helpers

    private func request(
        _ kind: String?, peer: String?, loss: Double? = nil, delay: UInt64? = nil
    ) -> ControlRequest {
        var request = ControlRequest(op: "fault")
        request.fault = kind
        request.peer = peer
        request.lossPercent = loss
        request.delayMs = delay
        return request
    }

    /// A coordinator started with `--testing` takes faults too (the testbed cuts its links): a cut
    /// toward bob drops his link and keeps him away, so alice's mail for him waits in his mailbox;
    /// a heal lets him relink, and the mail arrives by the coordinator, once.
    func testACoordinatorWithTestingTakesFaults() throws {
        let c = try makeCoordinator("coord")
        c.extraRunArguments = ["--testing"]
        let (a, b) = try makePair()
        try c.start()
        try use([c], at: a)
        try use([c], at: b)
        try a.start()
        try b.start()
        try waitUntilCoordinator(c, is: "up", at: a)
        try waitUntilCoordinator(c, is: "up", at: b)
        XCTAssertEqual(try c.statusJSON().testing, true)

        try applyFault(c, "cut", peer: b.address)
        XCTAssertEqual(try c.status().faults, [FaultInfo(peer: b.address, cut: true, lossPercent: 0, delayMs: 0)])
        try waitUntilCoordinator(c, is: "down", at: b)
        let id = try send(from: a, to: "bob", "held while bob is cut off")
        try waitUntilMailboxes(c, hold: 1)
        try waitUntil("the coordinator refused a redial from bob", seconds: 30) { c.logCount("is cut by a testing fault") >= 1 }
        XCTAssertEqual(try b.inbox(), [], "nothing reaches bob through the cut")
        XCTAssertTrue(try a.isLinked(to: c), "alice's link stays up")

        try applyFault(c, "heal", peer: b.address)
        XCTAssertEqual(try c.status().faults ?? [], [])
        try waitUntil("bob has the message", seconds: 40) { try b.inbox().contains { $0.id == id } }
        let inbox = try b.inbox()
        XCTAssertEqual(inbox.map(\.id), [id], "once")
        XCTAssertEqual(inbox.first?.path, "coordinator")
    }

    private func fault(
        _ node: FerryNodeProcess, _ kind: String, peer: String?, loss: Double? = nil, delay: UInt64? = nil
    ) throws -> ControlReply {
        try node.client().call(request(kind, peer: peer, loss: loss, delay: delay), timeoutMilliseconds: 5_000)
    }

    private func applyFault(
        _ node: FerryNodeProcess, _ kind: String, peer: String?, loss: Double? = nil, delay: UInt64? = nil
    ) throws {
        let reply = try fault(node, kind, peer: peer, loss: loss, delay: delay)
        guard reply.ok else { throw HarnessError("\(kind) at \(node.name) refused: \(reply)") }
    }

    /// A distinct address nobody has, for the flood.
    private static func madeUpAddress(_ index: Int) -> String {
        String(format: "%08x", index) + String(repeating: "0", count: 24)
    }

    /// Sends one line as it is on the node's control socket and reads one reply: for requests that
    /// `ControlRequest` cannot encode (a negative delay, a string for a number).
    private func rawCall(_ node: FerryNodeProcess, _ line: String, seconds: TimeInterval = 5) throws -> ControlReply {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array((node.dataDir + "/control.sock").utf8)
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { throw HarnessError("socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect to \(node.name)'s control socket: \(String(cString: strerror(errno)))") }
        let bytes = Array((line + "\n").utf8)
        guard bytes.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            throw HarnessError("could not send the request line")
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(seconds)
        while !received.contains(UInt8(ascii: "\n")) {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw HarnessError("no reply to \(line) within \(seconds) s") }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(remaining * 1000) + 1) > 0 else { continue }
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { throw HarnessError("the node closed the control connection after \(line)") }
            received += chunk[0..<count]
        }
        let reply = received.prefix { $0 != UInt8(ascii: "\n") }
        return try ControlJSON.decode(ControlReply.self, from: Array(reply))
    }
}
