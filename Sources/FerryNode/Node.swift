import FerryControl
import FerryCore
import FerryCrypto
import FerryLoop
import FerrySQLite
import FerryStore
import FerryTLS
import FerryWire
import Foundation
import Logging

/// The daemon: runs FerryCore's actions on FerryLoop handles, FerryTLS engines and the SQLite
/// store, and serves the control socket. `run()` is synchronous and returns after a clean stop.
///
/// Group commit: actions are queued, not performed, while callbacks run; `flush()` (armed as a
/// zero-delay timer) commits the store once, then writes frames, closes links and answers the CLI.
/// So no proof, and no `send` reply, leaves before the data behind it is durable.
/// Loop-confined, not `Sendable`.
public final class Node {
    let config: NodeConfig
    let logger: Logger
    let loop: Loop
    let store: SQLiteMessageStore
    let core: NodeCore
    let tls: TLSContext
    let lock: NodeLock
    let startedAt: Timestamp
    var listener: TCPListener?
    var listenEndpoint: Endpoint?
    var control: ControlServer!
    var streams: [LinkID: TCPStream] = [:]
    var dialers: [Dialer] = []
    var nextLinkID: UInt64 = 1
    var tickTimer: LoopTimer!
    var flushTimer: LoopTimer!
    var signals: [Signal] = []
    var outgoing: [(LinkID, [UInt8])] = []
    var closing: [LinkID] = []
    var replies: [(ControlSession, ControlReply)] = []
    var waiters: [MessageID: [ControlSession]] = [:]
    var flushScheduled = false
    lazy var contactCache = ContactCache(dir: config.dataDir)
    var stopping = false

    /// Opens everything that can fail on the operator's account (identity, lock, store, ports)
    /// before `run()`, so `ferry run` can report it in one line.
    public init(config: NodeConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        let (identity, record) = try IdentityFiles.load(from: config.dataDir)
        lock = try NodeLock(config.dataDir)
        loop = try Loop()
        store = try SQLiteMessageStore(path: config.dataDir.databasePath)
        tls = try TLSContext(ed25519PrivateKeySeed: identity.signingSeed)
        startedAt = WallClock.now()
        core = NodeCore(
            identity: identity, record: record, store: store, random: SystemRandom(), limits: config.limits,
            listenPort: config.listen?.port ?? 0)
        try openHandles()
    }

    private func openHandles() throws {
        tickTimer = try LoopTimer(loop: loop)
        flushTimer = try LoopTimer(loop: loop)
        if let endpoint = config.listen { try listen(on: endpoint) }
        control = try ControlServer(loop: loop, path: config.dataDir.controlSocketPath) { [weak self] session, request in
            self?.handleControl(request, from: session)
        }
        for signal in [SIGINT, SIGTERM] {
            let handle = try Signal(loop: loop)
            try handle.start(signal: signal) { [weak self] number in
                self?.logger.notice("signal \(number): stopping")
                self?.stop()
            }
            signals.append(handle)
        }
        for seed in config.peers { dialers.append(try Dialer(seed: seed, loop: loop)) }
    }

    private func listen(on endpoint: Endpoint) throws {
        let listener = try TCPListener(loop: loop)
        do {
            try listener.bind(host: endpoint.host, port: endpoint.port)
            try listener.listen { [weak self] stream in self?.accepted(stream) }
        } catch let error as LoopError {
            listener.close()
            if error.code == LoopError.Code.addressInUse { throw NodeError.listenInUse(endpoint: endpoint.description) }
            throw NodeError.listenFailed(endpoint: endpoint.description, reason: error.message)
        }
        self.listener = listener
        listenEndpoint = Endpoint(host: endpoint.host, port: listener.localPort ?? endpoint.port)
        core.listenPort = listenEndpoint?.port ?? 0
    }

    public var address: Address { core.address }

    /// Runs the loop until SIGINT/SIGTERM, then closes every handle and the store.
    public func run() throws {
        logger.notice("ferry node \(address) listening on \(listenEndpoint?.description ?? "(none)"), data \(config.dataDir.path)")
        tickTimer.start(afterMilliseconds: NodeCore.tickIntervalMilliseconds, repeatMilliseconds: NodeCore.tickIntervalMilliseconds) {
            [weak self] in
            guard let self else { return }
            self.perform(self.core.tick(now: WallClock.now()))
        }
        for dialer in dialers { dialer.start { [weak self] in self?.dial($0) } }
        loop.run()
        try store.close()
        try loop.close()
        logger.notice("ferry node stopped")
    }

    /// Begins a clean shutdown: flush, close links and handles; `run()` returns once all are closed.
    public func stop() {
        guard !stopping else { return }
        stopping = true
        flush()
        for stream in streams.values { stream.shutdownThenClose() }
        listener?.close()
        control.close()
        for dialer in dialers { dialer.close() }
        for signal in signals { signal.close() }
        tickTimer.close()
        flushTimer.close()
    }

    // MARK: Actions and group commit

    /// Queues the core's actions; the network sees them after the next commit.
    func perform(_ actions: [CoreAction]) {
        for action in actions {
            switch action {
            case .send(let link, let bytes): outgoing.append((link, bytes))
            case .close(let link): closing.append(link)
            case .linkEstablished(let link, let peer):
                dialers.first { $0.link == link }?.established()
                logger.debug("\(link) is \(peer)")
            case .delivered(let message): notifyFollowers(of: message)
            case .proofAccepted(let id): logger.debug("delivery proof for \(id)")
            case .receiptReceived(let id, let openedAt): answerWaiters(for: id, openedAt: openedAt)
            case .log(let level, let text): log(level, text)
            }
        }
        scheduleFlush()
    }

    func scheduleFlush() {
        guard !flushScheduled, !stopping else { return }
        flushScheduled = true
        flushTimer.start(afterMilliseconds: 0) { [weak self] in self?.flush() }
    }

    /// Commits the store, then performs the queued network writes, closes and replies.
    func flush() {
        flushScheduled = false
        do {
            try store.commit()
        } catch {
            // Nothing may be acknowledged that is not durable: drop the links (peers keep custody
            // and retry) and tell waiting clients.
            logger.error("store commit failed: \(error); closing links, nothing was acknowledged")
            // Everyone is told the group failed, so none of it may become durable with a later
            // commit; rolling back also lets the store work again once the disk has room.
            do { try store.rollback() } catch { logger.error("store rollback failed: \(error)") }
            outgoing = []
            closing = Array(streams.keys)
            replies = replies.map { ($0.0, ControlReply.failure("the node could not save to disk: \(error)")) }
        }
        for (link, bytes) in outgoing {
            guard let stream = streams[link] else { continue }
            if !stream.write(bytes) {
                logger.warning("peer on \(link) is not reading; closing the link")
                stream.close()
            }
        }
        outgoing = []
        for link in closing { streams[link]?.shutdownThenClose() }
        closing = []
        for (session, reply) in replies { control.send(reply, to: session) }
        replies = []
    }

    func reply(_ reply: ControlReply, to session: ControlSession) {
        replies.append((session, reply))
        scheduleFlush()
    }

    func log(_ level: FerryCore.LogLevel, _ text: String) {
        switch level {
        case .debug: logger.debug("\(text)")
        case .info: logger.info("\(text)")
        case .notice: logger.notice("\(text)")
        case .warning: logger.warning("\(text)")
        }
    }
}
