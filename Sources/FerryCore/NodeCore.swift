import FerryCrypto
import FerryStore
import FerryWire

/// The sans-I/O heart of a node: link sessions, direct routing, custody, proofs and receipts.
///
/// Events go in (`linkOpened`, `linkReceived`, `linkClosed`, `tick`, `submit`), each with `now`;
/// actions come out (`CoreAction`). It reads and writes the `MessageStore` but never commits:
/// the driver commits once per loop iteration, then performs the `send` actions.
/// Loop-confined, not `Sendable`.
public final class NodeCore {
    public let identity: NodeIdentity
    public let record: IdentityRecord
    public let address: Address
    let store: MessageStore
    let random: RandomSource
    public let limits: CoreLimits
    /// The port this node accepts links on, told to peers in hello (0 if none).
    public var listenPort: UInt16

    var sessions: [LinkID: LinkSession] = [:]
    /// Which link each in-flight message was offered on; a message is in flight on one link at most.
    var inflight: [MessageID: LinkID] = [:]
    var nextRetry: Timestamp?
    var nextHousekeeping: Timestamp?
    var pingCounter: UInt64 = 0
    /// Senders' records verified once, not per message.
    let senders = IdentityCache()

    public init(
        identity: NodeIdentity, record: IdentityRecord, store: MessageStore, random: RandomSource,
        limits: CoreLimits = CoreLimits(), listenPort: UInt16 = 0
    ) {
        self.identity = identity
        self.record = record
        self.address = identity.address
        self.store = store
        self.random = random
        self.limits = limits
        self.listenPort = listenPort
    }

    var hello: Hello { Hello(record: record.encoded(), listenPort: listenPort) }

    // MARK: Link events

    /// A transport connection is up. A dialler passes the address it expects (or nil when it
    /// dialled an endpoint without knowing who is there) and should have created a client engine.
    public func linkOpened(
        _ link: LinkID, engine: TLSEngine, outbound: Bool, expectedPeer: Address?, endpoint: String, now: Timestamp
    ) -> [CoreAction] {
        precondition(sessions[link] == nil, "link id reused")
        let session = LinkSession(
            id: link, engine: engine, outbound: outbound, expectedPeer: expectedPeer, endpoint: endpoint, now: now)
        sessions[link] = session
        var actions: [CoreAction] = []
        emitOutput(session, into: &actions)
        return actions
    }

    /// Bytes arrived on a link.
    public func linkReceived(_ link: LinkID, bytes: [UInt8], now: Timestamp) -> [CoreAction] {
        guard var session = sessions[link] else { return [] }
        var actions: [CoreAction] = []
        do {
            let frames = try session.receive(bytes, hello: hello, now: now)
            sessions[link] = session
            for frame in frames {
                try handle(frame, on: link, now: now, actions: &actions)
                if sessions[link] == nil { return actions }
            }
        } catch let failure as LinkSession.Failure {
            fail(link, failure, actions: &actions)
            return actions
        } catch {
            fail(link, LinkSession.Failure(reason: .protocolError, message: "\(error)"), actions: &actions)
            return actions
        }
        if let session = sessions[link] { emitOutput(session, into: &actions) }
        return actions
    }

    /// The transport connection is gone (EOF, error, or our own close). Its messages in flight
    /// become pending again and will be offered on the next link to their destination.
    public func linkClosed(_ link: LinkID, now: Timestamp) -> [CoreAction] {
        guard let session = sessions.removeValue(forKey: link) else { return [] }
        releaseInflight(on: link)
        let who = session.peer.map { $0.short } ?? session.endpoint
        var actions: [CoreAction] = [.log(.info, "link to \(who) closed")]
        // Another link to the same peer takes over what this one had in flight.
        if let peer = session.peer {
            do { try flushOutbound(to: peer, now: now, actions: &actions) } catch {
                actions.append(.log(.warning, "store error re-offering to \(peer.short): \(error)"))
            }
        }
        return actions
    }

    /// Links as `ferry peers` shows them.
    public var linkSummaries: [LinkSummary] {
        sessions.values.sorted { $0.id.value < $1.id.value }.map { session in
            LinkSummary(
                link: session.id, peer: session.peer, endpoint: session.endpoint,
                outbound: session.outbound,
                established: session.isEstablished, since: session.establishedAt ?? session.openedAt,
                inflight: session.inflightCount)
        }
    }

    /// Addresses of peers with an established link.
    public var connectedPeers: Set<Address> {
        Set(sessions.values.compactMap { $0.isEstablished ? $0.peer : nil })
    }

    // MARK: Helpers shared by the event handlers

    func emitOutput(_ session: LinkSession, into actions: inout [CoreAction]) {
        let bytes = session.takeOutput()
        if !bytes.isEmpty { actions.append(.send(session.id, bytes)) }
    }

    /// Closes a link for a reason: tell the peer when the session can still speak, then close.
    func fail(_ link: LinkID, _ failure: LinkSession.Failure, actions: inout [CoreAction]) {
        guard let session = sessions.removeValue(forKey: link) else { return }
        let who = session.peer.map { $0.short } ?? session.endpoint
        actions.append(.log(.warning, "closing link to \(who): \(failure.message)"))
        if session.engine.isHandshakeComplete {
            try? session.send(.close(reason: failure.reason, text: failure.message))
        }
        session.engine.shutdown()
        emitOutput(session, into: &actions)
        actions.append(.close(link))
        releaseInflight(on: link)
    }

    /// A link is gone: its messages are pending again, and other links must be able to offer them,
    /// so every cursor rewinds (links close rarely; the next refill re-reads one window).
    func releaseInflight(on link: LinkID) {
        inflight = inflight.filter { $0.value != link }
        for other in Array(sessions.keys) { sessions[other]?.offeredThroughSeq = 0 }
    }

    /// The established link to `peer` with the fewest messages in flight.
    func link(to peer: Address) -> LinkID? {
        let candidates = sessions.values.filter { $0.isEstablished && $0.peer == peer }
        return candidates.min { ($0.inflightCount, $0.id.value) < ($1.inflightCount, $1.id.value) }?.id
    }

    func markInflight(_ id: MessageID, on link: LinkID) {
        inflight[id] = link
        sessions[link]?.inflightCount += 1
    }

    /// A message is no longer in flight (proof, receipt or refusal).
    func clearInflight(_ id: MessageID) {
        guard let link = inflight.removeValue(forKey: id) else { return }
        sessions[link]?.inflightCount -= 1
    }
}
