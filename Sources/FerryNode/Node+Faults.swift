import FerryControl
import FerryCore
import FerryLoop
import FerryTLS
import FerryWire

/// The fault hook of a node started with `--testing` (docs/CONTROL.md §Faults): the `fault`
/// control request, cuts applied to links and dials, and the delayed-write path of impaired links.
/// Everything here is a no-op when `faults` is nil (no `--testing`).
extension Node {
    // MARK: The control request

    func handleFault(_ request: ControlRequest, from session: ControlSession) {
        guard let faults else {
            return reply(.failure("fault injection is off: start the node with --testing"), to: session)
        }
        let fault: Fault
        do {
            fault = try Fault(
                fault: request.fault, peer: request.peer, lossPercent: request.lossPercent, delayMilliseconds: request.delayMs)
            try faults.table.apply(fault)
        } catch {
            return reply(.failure(error.description), to: session)
        }
        // Through the log limiter: a script looping over fault requests cannot flood the log.
        log(.notice, "testing fault: \(Self.describe(fault))")
        switch fault {
        case .cut(let peer): closeLinks(to: peer)
        case .heal(let peer): releaseParkedDials { $0 == peer }
        case .clearAll: releaseParkedDials { _ in true }
        case .impair, .clear: break
        }
        reply(ControlReply(ok: true), to: session)
    }

    private static func describe(_ fault: Fault) -> String {
        switch fault {
        case .cut(let peer): return "cut \(peer)"
        case .heal(let peer): return "heal \(peer)"
        case .impair(let peer, let loss, let delay):
            return "impair \(peer)" + (loss.map { " loss \($0) %" } ?? "") + (delay.map { " delay \($0) ms" } ?? "")
        case .clear(let peer): return "clear \(peer)"
        case .clearAll: return "clear all"
        }
    }

    /// `ferry status --json`: `testing`, and the faults in force.
    func faultStatus(into status: inout NodeStatus) {
        status.testing = faults != nil
        status.faults = faults?.table.summaries.map { entry in
            FaultInfo(
                peer: entry.peer.text, cut: entry.faults.cut, lossPercent: entry.faults.lossPercent,
                delayMs: entry.faults.delayMilliseconds)
        }
    }

    // MARK: Cuts

    /// Wraps a new link's engine so the handshake's peer is checked against the cuts.
    func gated(_ engine: OpenSSLEngine, link: LinkID, dialled: String?) -> TLSEngine {
        guard let faults else { return engine }
        faults.links[link] = FaultLink(peer: nil, dialled: dialled)
        return FaultGateEngine(engine) { [weak self] peer in self?.admits(peer, on: link) ?? true }
    }

    /// The handshake named `peer`: remember it, and refuse it when it is cut (noting where a dial
    /// found it, so the next dial there waits for the heal).
    private func admits(_ peer: Address, on link: LinkID) -> Bool {
        guard let faults else { return true }
        faults.links[link]?.peer = peer
        guard faults.table.isCut(peer) else { return true }
        if let dialled = faults.links[link]?.dialled { faults.table.noteEndpoint(dialled, of: peer) }
        return false
    }

    /// Closes every link to `peer` at once, without a goodbye, and drops what they held back.
    private func closeLinks(to peer: Address) {
        guard let faults else { return }
        for (link, info) in faults.links where info.peer == peer {
            if let dialled = info.dialled { faults.table.noteEndpoint(dialled, of: peer) }
            faults.delayed[link] = nil
            streams[link]?.close()
        }
        armFaultTimer()
    }

    /// True when the fault hook took the dial: parked until the heal (a seed), or failed at once
    /// (an endpoint learnt from others, which the core retries with backoff).
    func faultTakesDial(_ request: DialRequest) -> Bool {
        guard let faults, !faults.table.isEmpty else { return false }
        let endpoint = Endpoint(host: request.host, port: request.port)
        // A pinned dial names its peer; an unpinned one is known by where the peer was found.
        let cutPeer = request.expectedPeer.map { faults.table.isCut($0) ? $0 : nil } ?? faults.table.cutPeer(at: endpoint.description)
        guard let peer = cutPeer else { return false }
        let seeds = config.peers.map(\.endpoint) + config.coordinators.map(\.endpoint)
        if seeds.contains(endpoint), faults.parkedDials.count < FaultInjector.parkedDialsMax {
            faults.parkedDials.append((peer, request))
        } else {
            perform(core.dialFailed(request.id, reason: "\(peer) is cut by a testing fault", now: now()))
        }
        return true
    }

    private func releaseParkedDials(where healed: (Address) -> Bool) {
        guard let faults else { return }
        let released = faults.parkedDials.filter { healed($0.peer) }
        faults.parkedDials.removeAll { healed($0.peer) }
        for parked in released { dial(parked.request) }
    }

    // MARK: Impairment

    /// Holds `bytes` back when the link's peer is impaired or writes are already held on it (order
    /// is kept); false when the write may go to the socket now. Held bytes count against the link's
    /// write budget: a link over it is closed as not reading, like any other.
    func delayedWrite(_ bytes: [UInt8], on link: LinkID) -> Bool {
        guard let faults, let stream = streams[link] else { return false }
        let hold = faults.links[link]?.peer.flatMap { peer -> UInt64? in
            let lossy = (faults.table.peers[peer]?.lossPercent ?? 0) > 0
            return faults.table.holdMilliseconds(for: peer, draw: lossy ? randomUnit() : 1)
        }
        guard hold != nil || faults.delayed[link] != nil else { return false }
        let held = faults.delayed[link]?.byteCount ?? 0
        if stream.queuedWriteBytes + held + bytes.count > Self.writeQueueBytesMax {
            log(.warning, "peer on \(link) (\(stream.peerEndpoint ?? "?")) is not reading; closing the link")
            faults.delayed[link] = nil
            stream.close()
            return true
        }
        loop.updateTime()
        faults.delayed[link, default: DelayedWrites()].push(bytes, now: loop.nowMilliseconds, holdMilliseconds: hold ?? 0)
        armFaultTimer()
        return true
    }

    /// True when the link's close waits for its held writes (they go out first, as a TCP close would).
    func faultDefersClose(_ link: LinkID) -> Bool {
        guard let faults, faults.delayed[link] != nil else { return false }
        faults.delayed[link]?.closeWhenDrained = true
        return true
    }

    private func armFaultTimer() {
        guard let faults, !stopping else { return }
        guard let due = faults.nextDue else { return faults.timer.stop() }
        let delay = max(due > loop.nowMilliseconds ? due - loop.nowMilliseconds : 0, 1)
        faults.timer.start(afterMilliseconds: delay) { [weak self] in self?.releaseDelayedWrites() }
    }

    /// Writes what is due, in order per link; closes links whose close waited for them.
    private func releaseDelayedWrites() {
        guard let faults else { return }
        let now = loop.nowMilliseconds
        for link in Array(faults.delayed.keys) {
            guard var queue = faults.delayed[link] else { continue }
            let due = queue.popDue(now: now)
            faults.delayed[link] = queue.isEmpty ? nil : queue
            for bytes in due { writeToSocket(bytes, on: link) }
            if queue.isEmpty && queue.closeWhenDrained {
                streams[link]?.shutdownThenClose(deadlineMilliseconds: Self.linkCloseDeadlineMilliseconds)
            }
        }
        armFaultTimer()
    }

    /// A number in [0, 1) from the node's random source, for the loss draw.
    private func randomUnit() -> Double {
        let value = random.bytes(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(value >> 11) / Double(UInt64(1) << 53)
    }
}
