import FerryCore
import FerryWire
import XCTest

/// Any number of test nodes joined by in-memory links on one manual clock: like `CorePair`, for
/// tests of link bounds where many peers dial one node. Bytes are delivered until all are quiet.
///
/// Nodes registered with `listen` are in an address book (host:port → node), so the `.dial`
/// actions the cores emit become links (or `dialFailed` for an endpoint nobody listens on), and
/// `drive` runs the clock the way the driver does: each node ticks only at its `nextDeadline`.
final class TestNet {
    var now = CoreTime(wall: Timestamp(milliseconds: 1_000_000), monotonic: MonotonicTime(milliseconds: 5_000))
    private var nextLink: UInt64 = 1
    /// Each live link end → the other end.
    private var peers: [End: End] = [:]
    private var wire: [(to: End, from: End, bytes: [UInt8])] = []

    struct End: Hashable {
        let node: ObjectIdentifier
        let link: LinkID
    }

    private var nodes: [ObjectIdentifier: TestNode] = [:]
    /// Registration order, so every walk over the nodes is deterministic.
    private var order: [TestNode] = []

    /// host:port → the node accepting links there; and each listening node's host.
    private var listeners: [String: TestNode] = [:]
    private var hosts: [ObjectIdentifier: String] = [:]
    /// Dials the cores asked for and the harness has not performed yet.
    private var pendingDials: [(node: TestNode, request: DialRequest)] = []
    /// When true, dials wait until `performHeldDials()`, so a test sees how many are in flight.
    var holdDials = false
    /// When true, every beacon a node emits reaches every listening node (itself too, as multicast
    /// loops back), from the sender's host.
    var deliversBeacons = false
    /// Every dial and beacon emitted, and every frame delivered (PlainEngine passes frames in clear),
    /// with the time.
    private(set) var dialLog: [(node: TestNode, at: MonotonicTime, request: DialRequest)] = []
    private(set) var beaconLog: [(node: TestNode, at: MonotonicTime, bytes: [UInt8])] = []
    private(set) var frameLog: [(from: TestNode, to: TestNode, at: MonotonicTime, frame: Frame)] = []
    private var decoders: [End: (handshakeBytesLeft: Int, decoder: FrameDecoder)] = [:]

    /// `dialler` opens a link to `listener`, appearing to come from `host` (by default the dialler's
    /// listening host, else 198.18.0.9), as if the driver dialled it. Returns the link ids
    /// (dialler's side, listener's side) after the bytes settle.
    @discardableResult
    func dial(_ dialler: TestNode, _ listener: TestNode, from host: String? = nil) -> (LinkID, LinkID) {
        let dialled = hosts[ObjectIdentifier(listener)].map { "\($0):\(listener.core.listenPort)" } ?? "198.18.1.1:7000"
        let from = host ?? hosts[ObjectIdentifier(dialler)] ?? "198.18.0.9"
        let pair = open(dialler, listener, dialled: dialled, from: from, expectedPeer: nil, dial: nil)
        run()
        return pair
    }

    /// Opens both ends of a link; the bytes are delivered by the next `run`.
    private func open(
        _ dialler: TestNode, _ listener: TestNode, dialled endpoint: String, from host: String, expectedPeer: Address?,
        dial: DialID?
    ) -> (LinkID, LinkID) {
        let out = LinkID(nextLink)
        let into = LinkID(nextLink + 1)
        nextLink += 2
        add(dialler)
        add(listener)
        let outEnd = End(node: ObjectIdentifier(dialler), link: out)
        let inEnd = End(node: ObjectIdentifier(listener), link: into)
        peers[outEnd] = inEnd
        peers[inEnd] = outEnd
        apply(dialler.core.linkOpened(out, engine: PlainEngine(publicKey: dialler.core.identity.signingPublicKey),
                                      outbound: true, expectedPeer: expectedPeer, endpoint: endpoint, now: now, dial: dial),
              at: dialler)
        apply(listener.core.linkOpened(into, engine: PlainEngine(publicKey: listener.core.identity.signingPublicKey),
                                       outbound: false, expectedPeer: nil, endpoint: "\(host):\(40_000 + out.value)", now: now), at: listener)
        return (out, into)
    }

    /// Ticks `node` with the others from now on (`listen` and `dial` add nodes too).
    func add(_ node: TestNode) {
        guard nodes[ObjectIdentifier(node)] == nil else { return }
        nodes[ObjectIdentifier(node)] = node
        order.append(node)
    }

    /// Closes one link as a network failure would: both ends learn of it.
    func close(_ node: TestNode, _ link: LinkID) {
        let end = End(node: ObjectIdentifier(node), link: link)
        guard let other = peers.removeValue(forKey: end) else { return }
        peers[other] = nil
        apply(node.core.linkClosed(link, now: now), at: node)
        if let otherNode = nodes[other.node] { apply(otherNode.core.linkClosed(other.link, now: now), at: otherNode) }
        run()
    }

    func isOpen(_ node: TestNode, _ link: LinkID) -> Bool {
        peers[End(node: ObjectIdentifier(node), link: link)] != nil
    }

    /// The node and link id at the other end of `node`'s `link`, while it is open.
    func otherEnd(of node: TestNode, _ link: LinkID) -> (node: TestNode, link: LinkID)? {
        guard let other = peers[End(node: ObjectIdentifier(node), link: link)], let otherNode = nodes[other.node] else { return nil }
        return (otherNode, other.link)
    }

    /// Delivers bytes, then performs dials (unless held), until nothing moves.
    func run(maxSteps: Int = 100_000) {
        var steps = 0
        while !wire.isEmpty || (!holdDials && !pendingDials.isEmpty) {
            steps += 1
            precondition(steps < maxSteps, "net did not settle")
            if wire.isEmpty {
                let (node, request) = pendingDials.removeFirst()
                perform(request, for: node)
                continue
            }
            let item = wire.removeFirst()
            guard peers[item.to] != nil, let receiver = nodes[item.to.node], let sender = nodes[item.from.node] else { continue }
            tap(item.bytes, to: item.to, from: sender, receiver: receiver)
            apply(sender.core.linkWritten(item.from.link, byteCount: item.bytes.count, now: now), at: sender)
            apply(receiver.core.linkReceived(item.to.link, bytes: item.bytes, now: now), at: receiver)
        }
    }

    private func tap(_ bytes: [UInt8], to end: End, from sender: TestNode, receiver: TestNode) {
        var state = decoders[end] ?? (handshakeBytesLeft: 32, decoder: FrameDecoder())
        let skipped = min(state.handshakeBytesLeft, bytes.count)
        state.handshakeBytesLeft -= skipped
        for frame in (try? state.decoder.push(Array(bytes.dropFirst(skipped)))) ?? [] {
            frameLog.append((from: sender, to: receiver, at: now.monotonic, frame: frame))
        }
        decoders[end] = state
    }

    func apply(_ actions: [CoreAction], at node: TestNode) {
        let key = ObjectIdentifier(node)
        for action in actions {
            switch action {
            case .send(let link, let bytes):
                let end = End(node: key, link: link)
                guard let other = peers[end] else { continue }
                wire.append((to: other, from: end, bytes: bytes))
            case .close(let link):
                node.closedLinks.append(link)
                let end = End(node: key, link: link)
                guard let other = peers.removeValue(forKey: end) else { continue }
                peers[other] = nil
                if let otherNode = nodes[other.node] {
                    apply(otherNode.core.linkClosed(other.link, now: now), at: otherNode)
                }
            case .dial(let request):
                node.record(action)
                dialLog.append((node: node, at: now.monotonic, request: request))
                pendingDials.append((node: node, request: request))
            case .beacon(let bytes):
                node.record(action)
                beaconLog.append((node: node, at: now.monotonic, bytes: bytes))
                if deliversBeacons, let from = hosts[key] {
                    for listener in order where hosts[ObjectIdentifier(listener)] != nil {
                        apply(listener.core.beaconReceived(bytes, from: from, now: now), at: listener)
                    }
                }
            case .linkEstablished, .linkRejected, .delivered, .proofAccepted, .storeFailed, .log:
                node.record(action)
            }
        }
    }

    // MARK: Address book

    /// `node` accepts links at host:port from now on (and says so in its hello).
    func listen(_ node: TestNode, host: String, port: UInt16 = 7000) {
        add(node)
        hosts[ObjectIdentifier(node)] = host
        node.core.listenPort = port
        listeners["\(host):\(port)"] = node
    }

    /// Nobody answers at host:port any more (dials there fail); links already up stay.
    func unlisten(host: String, port: UInt16 = 7000) {
        listeners["\(host):\(port)"] = nil
    }

    func host(of node: TestNode) -> String? { hosts[ObjectIdentifier(node)] }

    /// Performs the dials held back while `holdDials` was set.
    func performHeldDials() {
        let held = pendingDials
        pendingDials = []
        for (node, request) in held { perform(request, for: node) }
        run()
    }

    private func perform(_ request: DialRequest, for node: TestNode) {
        let endpoint = "\(request.host):\(request.port)"
        guard let listener = listeners[endpoint] else {
            apply(node.core.dialFailed(request.id, reason: "connection refused", now: now), at: node)
            return
        }
        _ = open(node, listener, dialled: endpoint, from: hosts[ObjectIdentifier(node)] ?? "198.18.0.9",
                 expectedPeer: request.expectedPeer, dial: request.id)
    }

    // MARK: Clock

    /// Runs the net for `milliseconds` as the drivers do: every node ticks only at its own
    /// `nextDeadline`, and events follow from what the ticks do. On every step it checks that no
    /// deadline lies: a tick one millisecond before the earliest deadline does nothing, and a
    /// deadline at the current time is followed by a tick that does something (no busy loop).
    func drive(milliseconds: UInt64, file: StaticString = #filePath, line: UInt = #line) {
        let end = now.monotonic.adding(milliseconds: milliseconds)
        var stalled = 0
        var steadySteps = 0
        while true {
            let deadlines = order.map { ($0, $0.core.nextDeadline(now: now)) }
            guard let earliest = deadlines.map(\.1).min(), earliest <= end else { break }
            let progressed = earliest > now.monotonic
            if earliest.milliseconds > now.monotonic.milliseconds + 1 {
                now = now.adding(milliseconds: earliest.milliseconds - 1 - now.monotonic.milliseconds)
                for (node, _) in deadlines {
                    let early = node.core.tick(now: now)
                    if early.contains(where: Self.isVisible) {
                        XCTFail("a tick at \(now.monotonic) acted before the deadline said (\(earliest)): \(early)", file: file, line: line)
                    }
                    apply(early, at: node)
                }
                run()
            }
            now = now.adding(milliseconds: earliest.milliseconds - now.monotonic.milliseconds)
            var acted = false
            for (node, deadline) in deadlines where deadline == earliest {
                let actions = node.core.tick(now: now)
                acted = acted || actions.contains(where: Self.isVisible)
                apply(actions, at: node)
            }
            run()
            stalled = progressed || acted ? 0 : stalled + 1
            steadySteps = progressed ? 0 : steadySteps + 1
            if stalled > 3 {
                XCTFail("busy loop: the deadline stays at \(now.monotonic) and ticks do nothing", file: file, line: line)
                return
            }
            if steadySteps > 1_000 {
                XCTFail("the clock is stuck at \(now.monotonic): ticks act again and again at one instant", file: file, line: line)
                return
            }
        }
        now = now.adding(milliseconds: end.milliseconds - now.monotonic.milliseconds)
    }

    /// Actions a driver would notice (everything but debug logs).
    private static func isVisible(_ action: CoreAction) -> Bool {
        if case .log(.debug, _) = action { return false }
        return true
    }

    /// Dials `node` asked for at or after `since`.
    func dials(of node: TestNode, since: MonotonicTime = MonotonicTime(milliseconds: 0)) -> [(at: MonotonicTime, request: DialRequest)] {
        dialLog.filter { $0.node === node && $0.at >= since }.map { (at: $0.at, request: $0.request) }
    }

    /// Frames delivered from `sender` (to anyone, or to `receiver`).
    func frames(from sender: TestNode, to receiver: TestNode? = nil) -> [Frame] {
        frameLog.filter { $0.from === sender && (receiver == nil || $0.to === receiver) }.map(\.frame)
    }
}
