import FerryCrypto
import FerryLoop
import FerryWire
import Foundation

/// The load tool of scenario 12: opens up to `target` authenticated links to one coordinator from
/// this process, each with an identity of its own, a few handshakes at a time on one event loop
/// (FerryLoop, nonblocking sockets), and holds them. It stops opening when the target is reached,
/// when the ramp's time bound passes, or when so many attempts fail in a row that the machine or
/// the coordinator evidently takes no more. Loop-confined: everything runs on the thread that
/// calls `run(until:)`.
final class LinkHolder {
    /// What happened to the links, in counts.
    struct Tally: Codable {
        var attempted = 0
        var established = 0
        /// Up now: established and not ended since.
        var up = 0
        /// Attempts that ended before the coordinator's hello, by reason.
        var failed = 0
        var failures: [String: Int] = [:]
        /// Links that ended after they were established, by reason.
        var dropped = 0
        var drops: [String: Int] = [:]
        var pongsSent = 0
    }

    let loop: Loop
    let port: UInt16
    let target: Int
    private(set) var tally = Tally()
    /// Why the holder stopped opening before the target, if it did.
    private(set) var stopReason: String?
    private var links: [Int: HeldLink] = [:]
    private var opening = 0
    private var failuresInARow = 0
    private var closing = false
    private let heartbeat: LoopTimer

    /// Handshakes in flight at once: well under the coordinator's bound on handshakes, past which it
    /// evicts the oldest (1024 on a coordinator), and enough to keep both ends busy.
    static let handshakesInFlightMax = 64
    /// This many attempts failing one after another means no more will succeed.
    static let failuresInARowMax = 256
    /// Distinct failure reasons kept; the rest are counted under "other".
    static let reasonsMax = 16
    /// The loop wakes at least this often, so `run(until:)` checks its condition.
    static let heartbeatMilliseconds: UInt64 = 10
    static let recordLifetimeMilliseconds: UInt64 = 24 * 3600 * 1000

    init(port: UInt16, target: Int) throws {
        self.port = port
        self.target = target
        loop = try Loop()
        heartbeat = try LoopTimer(loop: loop)
        heartbeat.start(afterMilliseconds: Self.heartbeatMilliseconds, repeatMilliseconds: Self.heartbeatMilliseconds) {}
    }

    /// No attempt is still in its handshake, and no more will be started.
    var rampDone: Bool { opening == 0 && (tally.attempted >= target || stopReason != nil) }

    /// Runs the loop, opening links while there is room, until `condition` holds.
    func run(until condition: () -> Bool, _ deadline: Deadline) throws {
        while !condition() {
            openMore()
            loop.runOnce(nowait: false)
            try deadline.check()
        }
    }

    /// Stops starting new links (the ramp's time bound passed).
    func stopOpening(_ why: String) {
        if stopReason == nil { stopReason = why }
    }

    /// Closes every link and the loop; the counts stay as they were.
    func close() {
        closing = true
        heartbeat.close()
        for link in links.values { link.close() }
        links = [:]
        loop.closeAllHandles()
        // Each pass runs the close callbacks of the handles closed in the one before.
        for _ in 0..<1000 where loop.runOnce(nowait: true) {}
        try? loop.close()
    }

    private func openMore() {
        while stopReason == nil && opening < Self.handshakesInFlightMax && tally.attempted < target {
            openOne()
        }
    }

    private func openOne() {
        tally.attempted += 1
        opening += 1
        let id = tally.attempted
        do {
            let identity = try NodeIdentity.generate()
            let now = Timestamp(milliseconds: UInt64(Date().timeIntervalSince1970 * 1000))
            let record = try identity.record(created: now, expires: now.adding(milliseconds: Self.recordLifetimeMilliseconds))
            links[id] = try HeldLink(identity: identity, record: record, loop: loop, port: port) { [unowned self] event in
                self.note(event, link: id)
            }
        } catch {
            note(.ended(why: "setting up an identity and TLS: \(error)", wasEstablished: false), link: id)
        }
    }

    private func note(_ event: HeldLink.Event, link id: Int) {
        guard !closing else { return }
        switch event {
        case .established:
            opening -= 1
            tally.established += 1
            tally.up += 1
            failuresInARow = 0
        case .ended(let why, let wasEstablished):
            links[id] = nil
            if wasEstablished {
                tally.up -= 1
                tally.dropped += 1
                count(why, in: &tally.drops)
                return
            }
            opening -= 1
            tally.failed += 1
            count(why, in: &tally.failures)
            failuresInARow += 1
            if failuresInARow >= Self.failuresInARowMax {
                stopOpening("\(failuresInARow) attempts in a row failed, the last: \(why)")
            }
        case .pongSent:
            tally.pongsSent += 1
        }
    }

    private func count(_ why: String, in reasons: inout [String: Int]) {
        let key = reasons[why] != nil || reasons.count < Self.reasonsMax ? why : "other"
        reasons[key, default: 0] += 1
    }
}
