import FerryControl
import FerryCrypto
import FerryWire
import Foundation
import XCTest

/// Discovery frames from a stranger over a link on 127.0.0.1: node N (discovery on, log level
/// info, so its rate-limited lines are the ones written) with a real node R linked to it, and
/// self-made peers that complete hello and then send announces and `endpoints` frames.
extension DiscoveryHostileTests {
    /// CoreLimits: announces a peer may send at once and per second; exchange frames at once;
    /// endpoints a node remembers.
    static let announcesBurst = 100
    static let announcesPerSecond = 10
    static let exchangesBurst = 3
    static let endpointsMax = 256
    /// Lines N may add to its log while flooded: link-up lines and the like, none per frame.
    static let floodLogLinesMax = 20

    func testAnnounceFloodIsCountedRateLimitedAndALinkStillDelivers() throws {
        let (n, r) = try startNodeWithRealPeer()
        let eve = try linkStranger(to: n)  // only listens: what N passes on
        let mallory = try linkStranger(to: n)
        try waitUntil("N has R, eve and mallory linked") { try n.status().links == 3 }
        let before = try discovery(n)
        let logLines = n.logText().split(separator: "\n").count

        let invalid = try HostileRecords.expired(5) + HostileRecords.badlySigned(5) + HostileRecords.junk(5) + HostileRecords.padded(2)
        let valid = try (0..<300).map { _ in try HostileIdentity.generate().record.encoded() }
        let started = Date()
        try mallory.writeRaw(try mallory.ciphertext(for: (invalid + valid).map { .announce(hopsLeft: .max, record: $0) }))
        let total = invalid.count + valid.count
        try waitUntil("N counts each of the \(total) announces as learnt or rejected") {
            let now = try self.discovery(n)
            return (now.announcesLearnt - before.announcesLearnt) + (now.announcesRejected - before.announcesRejected) >= total
        }
        let seconds = Date().timeIntervalSince(started)
        let after = try XCTUnwrap(n.statusJSON().discovery)
        let learnt = after.announcesLearnt - before.announcesLearnt
        let rejected = after.announcesRejected - before.announcesRejected
        XCTAssertEqual(learnt + rejected, total, "every announce is learnt or rejected, once")
        let allowed = Self.announcesBurst + Self.announcesPerSecond * Int(seconds.rounded(.up))
        XCTAssertTrue((Self.announcesBurst - invalid.count...allowed).contains(learnt), "learnt \(learnt) in \(seconds) s; the budget allows \(allowed)")
        XCTAssertGreaterThanOrEqual(rejected, invalid.count)
        let listed = try ferry(["directory", "--json", "--data", n.dataDir]).stdoutLines.filter { $0.contains("\"how\":\"announce\"") }
        XCTAssertEqual(listed.count, learnt, "a directory row for each announce learnt, none for the rest")

        // What N passed on to eve: each record learnt once, with the hops mallory asked for, less one.
        let mine = Set(valid)
        try eve.pump("N passes mallory's learnt records on to eve", seconds: 10) { Self.announces(in: eve, from: mine).count >= learnt }
        let passedOn = Self.announces(in: eve, from: mine)
        XCTAssertEqual(passedOn.count, learnt)
        print("announce flood: \(total) sent (\(invalid.count) invalid), \(learnt) learnt and \(rejected) rejected in \(String(format: "%.2f", seconds)) s; "
              + "passed on with hops_left \(Set(passedOn.map(\.hopsLeft)).sorted()) (CoreLimits.announceHopLimit is 8)")

        // A record beyond the wire's bound is a malformed frame: that link closes, N goes on.
        let trudy = try linkStranger(to: n)
        try trudy.send(.announce(hopsLeft: 1, record: HostileIdentity.randomBytes(WireLimits.identityRecordBytesMax + 1)))
        try trudy.pump("N closes trudy's link after an oversized record", seconds: 10) { trudy.ended }
        XCTAssertEqual(trudy.closeReason, .protocolError)

        try expectStillServing(n, r, logLinesBefore: logLines)
    }

    /// N is given more links than discovery aims for (CoreLimits.targetLinks 8) before anything
    /// is sent, so it dials none of what it learns: this is about what it counts and keeps.
    /// (Dialling a learnt endpoint is the next test's business.)
    func testEndpointsJunkAndFloodAreCountedAndTheTableStaysBounded() throws {
        let (n, r) = try startNodeWithRealPeer()
        let closed = try ClosedPort()
        let strangers = try (0..<10).map { _ in try linkStranger(to: n) }
        let mallory = strangers[0]
        try waitUntil("N has R and ten strangers linked") { try n.status().links == 11 }
        let before = try discovery(n)
        let logLines = n.logText().split(separator: "\n").count
        let nPort = try XCTUnwrap(n.port)

        let junk = HostileEndpoints.junk(node: try XCTUnwrap(Address(text: n.address)), nodePort: nPort, sender: mallory.me.address, port: closed.port)
        // Usable, so learnt: N's own endpoint under another address, and a closed port.
        let usable = [HostileEndpoints.entry("127.0.0.1", port: nPort), HostileEndpoints.entry("127.77.0.1", port: closed.port)]
        let started = Date()
        try mallory.send(.endpoints(junk + usable))
        try waitUntil("N counts the junk entries") { try self.discovery(n).exchangeRejected >= before.exchangeRejected + junk.count }
        var now = try discovery(n)
        XCTAssertEqual(now.exchangesHeard - before.exchangesHeard, 1)
        XCTAssertEqual(now.exchangeRejected - before.exchangeRejected, junk.count, "one per junk entry")
        XCTAssertEqual(now.knownEndpoints - before.knownEndpoints, usable.count)

        // A flood of full frames: a burst is read, the rest counted (the frames carry no junk).
        let flood = 1000
        try mallory.writeRaw(try mallory.ciphertext(for: HostileEndpoints.frames(flood, from: 0, port: closed.port)))
        try waitUntil("N reads or counts every frame of the flood") {
            let now = try self.discovery(n)
            return now.exchangesHeard - before.exchangesHeard + now.exchangeRejected - before.exchangeRejected - junk.count >= 1 + flood
        }
        let seconds = Date().timeIntervalSince(started)
        now = try discovery(n)
        let read = now.exchangesHeard - before.exchangesHeard
        XCTAssertEqual(read + now.exchangeRejected - before.exchangeRejected - junk.count, 1 + flood, "each frame read or rejected, once")
        // The bucket refills at 1 frame a second (LinkSession.exchangeBudget).
        XCTAssertTrue((Self.exchangesBurst...(Self.exchangesBurst + Int(seconds.rounded(.up)))).contains(read), "\(read) frames read in \(seconds) s")

        // Each other stranger sends a burst of fresh entries: the table keeps to its bound.
        let heard = now.exchangesHeard
        for (index, other) in strangers.dropFirst().enumerated() {
            try other.writeRaw(try other.ciphertext(for: HostileEndpoints.frames(Self.exchangesBurst, from: 1000 + index * 10, port: closed.port)))
        }
        try waitUntil("N reads each stranger's burst") {
            try self.discovery(n).exchangesHeard >= heard + Self.exchangesBurst * (strangers.count - 1)
        }
        now = try XCTUnwrap(n.statusJSON().discovery)
        let offered = usable.count + WireLimits.endpointsPerFrameMax * (read - 1 + Self.exchangesBurst * (strangers.count - 1))
        print("endpoints: \(junk.count) junk entries rejected; of \(flood + 1) frames from one stranger \(read) read in \(String(format: "%.2f", seconds)) s; "
              + "\(offered) usable entries offered by ten strangers, known_endpoints \(now.knownEndpoints) (bound \(Self.endpointsMax))")
        XCTAssertLessThanOrEqual(now.knownEndpoints, Self.endpointsMax)

        try expectStillServing(n, r, logLinesBefore: logLines)
    }

    /// A stranger with two identities: as mallory it tells N an endpoint for X (a port the test
    /// holds); N dials it, and while that dial is up, X links to N itself; then the dialled
    /// connection is reset. N now has an endpoint backing off whose peer is linked: it must not
    /// dial it, and must go on serving once its backoff (at most 375 ms after a first failure) is over.
    func testAnEndpointBackingOffWhosePeerLinkedInboundDoesNotStallTheNode() throws {
        let (n, r) = try startNodeWithRealPeer()
        let listener = try RawListener()
        let mallory = try linkStranger(to: n)
        let x = try HostileIdentity.generate()
        try mallory.send(.endpoints([EndpointEntry(address: x.address, ip: [127, 0, 0, 1], port: listener.port)]))
        // N dials learnt endpoints on its next tick (within CoreLimits' 5 s tick bound).
        let dialled = try listener.accept(seconds: 10)
        let asX = try HostilePeer(x, port: try XCTUnwrap(n.port))
        try asX.link()
        dialled.resetConnection()
        let pid = try XCTUnwrap(n.child?.pid)
        let cpu = ProcessProbe.cpuMilliseconds(of: pid)
        let reset = Date()
        try waitUntil("N has answered status for \(Self.stallWindowSeconds) s after the reset", seconds: Self.stallWindowSeconds + 5) {
            do { _ = try n.client().call(ControlRequest(op: "status"), timeoutMilliseconds: 2_000) } catch {
                let used = ProcessProbe.cpuMilliseconds(of: pid) - cpu
                throw HarnessError("N stopped answering \(String(format: "%.1f", Date().timeIntervalSince(reset))) s after the reset (\(error)); it used \(used) ms of CPU since")
            }
            return Date().timeIntervalSince(reset) >= Self.stallWindowSeconds
        }
        let busy = Double(ProcessProbe.cpuMilliseconds(of: pid) - cpu) / 1000 / Date().timeIntervalSince(reset)
        XCTAssertLessThan(busy, 0.5, "share of a core N used while idle with that endpoint backing off")
        try expectStillServing(n, r, logLinesBefore: n.logText().split(separator: "\n").count)
    }

    /// Longer than the largest first backoff (250 ms + 50 %) and a tick.
    static let stallWindowSeconds: TimeInterval = 1.5

    /// An endpoint a stranger tells N about, played by the test as X: N dials it, X completes
    /// hello and keeps the link alive with pings, but never answers the reconciliation N (the
    /// dialler) starts. N must go on serving past its next sync time (CoreLimits.syncIntervalMilliseconds,
    /// 60 s): the longest test here, on purpose.
    func testADialledPeerThatNeverFinishesASyncDoesNotStallTheNode() throws {
        let (n, r) = try startNodeWithRealPeer()
        let listener = try RawListener()
        let mallory = try linkStranger(to: n)
        let x = try HostileIdentity.generate()
        try mallory.send(.endpoints([EndpointEntry(address: x.address, ip: [127, 0, 0, 1], port: listener.port)]))
        let asX = try HostilePeer.accept(x, from: listener, seconds: 10)
        try asX.link()
        _ = try asX.awaitFrame("N starts a reconciliation with X", seconds: 10) {
            if case .sync = $0 { return true }
            return false
        }
        let pid = try XCTUnwrap(n.child?.pid)
        let linked = Date()
        var pinged = linked
        var cpu = (at: linked, milliseconds: ProcessProbe.cpuMilliseconds(of: pid))
        try waitUntil("N has served for \(Self.syncWindowSeconds) s with X's sync unanswered", seconds: Self.syncWindowSeconds + 10) {
            do { _ = try n.client().call(ControlRequest(op: "status"), timeoutMilliseconds: 2_000) } catch {
                let used = ProcessProbe.cpuMilliseconds(of: pid) - cpu.milliseconds
                throw HarnessError("N stopped answering \(Int(Date().timeIntervalSince(linked))) s after X linked (\(error)); CPU since \(Int(Date().timeIntervalSince(cpu.at))) s before: \(used) ms")
            }
            if Date().timeIntervalSince(pinged) >= Self.keepAliveSeconds {
                try asX.send(.ping(nonce: UInt64(Date().timeIntervalSince1970)))
                pinged = Date()
                cpu = (Date(), ProcessProbe.cpuMilliseconds(of: pid))
            }
            return Date().timeIntervalSince(linked) >= Self.syncWindowSeconds
        }
        try expectStillServing(n, r, logLinesBefore: n.logText().split(separator: "\n").count)
    }

    /// The sync interval and a few seconds; X pings well inside N's 15 s keepalive.
    static let syncWindowSeconds: TimeInterval = 64
    static let keepAliveSeconds: TimeInterval = 10

    // MARK: Helpers

    /// N listening on 127.0.0.1 with discovery on; R, its contact, dialling it (pinned).
    private func startNodeWithRealPeer() throws -> (FerryNodeProcess, FerryNodeProcess) {
        let (n, r) = try makePair("n", "r")
        n.extraRunArguments = ["--log-level", "info"]
        try n.start()
        try r.start(peers: ["\(n.address)@\(try n.endpoint)"])
        try waitUntil("R is linked to N") { try n.status().links == 1 && r.status().links == 1 }
        return (n, r)
    }

    private func linkStranger(to node: FerryNodeProcess) throws -> HostilePeer {
        let peer = try HostilePeer(try HostileIdentity.generate(), port: try XCTUnwrap(node.port))
        try peer.link()
        return peer
    }

    private func discovery(_ node: FerryNodeProcess) throws -> DiscoveryStatus {
        try XCTUnwrap(node.status().discovery)
    }

    /// Announce frames `peer` received whose record is one of `records`.
    private static func announces(in peer: HostilePeer, from records: Set<[UInt8]>) -> [(hopsLeft: UInt8, record: [UInt8])] {
        peer.frames.compactMap { frame in
            guard case .announce(let hops, let record) = frame, records.contains(record) else { return nil }
            return (hops, record)
        }
    }

    /// N runs, wrote few lines, and R's message reaches it over their link.
    private func expectStillServing(_ n: FerryNodeProcess, _ r: FerryNodeProcess, logLinesBefore: Int) throws {
        XCTAssertTrue(n.isRunning)
        let added = n.logText().split(separator: "\n").count - logLinesBefore
        XCTAssertLessThanOrEqual(added, Self.floodLogLinesMax, "lines N logged while flooded:\n\(n.logTail())")
        XCTAssertEqual(try r.status().links, 1, "R's link to N is still up")
        let sent = try ferry(["send", "--data", r.dataDir, "n", "still here", "--wait", "20"])
        XCTAssertEqual(sent.exitCode, 0, "\(sent)")
        XCTAssertEqual(try n.inbox().map(\.text), ["still here"])
    }
}
