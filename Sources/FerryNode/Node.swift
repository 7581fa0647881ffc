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
/// So no proof, and no `send` reply, leaves before the data behind it is durable. When a store
/// operation or the commit fails, the whole group is rolled back instead, every link is closed
/// (peers keep custody and offer again) and waiting clients are told; reads keep working.
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
    /// The system CSPRNG, shared by the core and the driver (the fault hook's loss draws).
    let random: RandomSource
    /// The fault hook, for a node started with `--testing` only (docs/CONTROL.md §Faults).
    var faults: FaultInjector?
    var listener: TCPListener?
    var listenEndpoint: Endpoint?
    var control: ControlServer!
    var streams: [LinkID: TCPStream] = [:]
    /// The IPv4 LAN beacon socket, when IPv4 beacons are on.
    var beaconSocket: UDPSocket?
    /// The IPv6 link-local beacons, when they are on.
    var ipv6Beacons: IPv6Beacons?
    /// Connect timeouts of the dials under way.
    var pendingDials: [DialID: LoopTimer] = [:]
    var nextLinkID: UInt64 = 1
    var tickTimer: LoopTimer!
    /// When the tick timer is armed for (monotonic), so a later deadline does not push it back.
    var tickDue: MonotonicTime?
    var flushTimer: LoopTimer!
    var stopTimer: LoopTimer?
    var signals: [Signal] = []
    /// Queued until the next flush, in order.
    var outgoing: [(LinkID, [UInt8])] = []
    var closing: [LinkID] = []
    var replies: [(ControlSession, ControlReply)] = []
    /// Effects shown to clients only once the writes behind them are committed.
    var afterCommit: [CoreAction] = []
    /// Inbox listings to start once the replies queued before them are written.
    var afterCommitListings: [ControlSession] = []
    /// Set by a failed store operation; the next flush rolls back instead of committing.
    var storeFailure: String?
    var waiters: [MessageID: [ControlSession]] = [:]
    /// Waiters are swept of closed clients when there are this many ids (then twice what is left):
    /// a sweep per wait cost O(waiting ids) each, quadratic under a pipelined `send --wait` load.
    var waitersSweepAt = Node.waitersSweepMin
    static let waitersSweepMin = 64
    var flushScheduled = false
    lazy var contactCache = ContactCache(dir: config.dataDir)
    lazy var logLimiter = LogLimiter(logger: logger)
    var stopping = false

    /// Opens everything that can fail on the operator's account (identity, lock, store, ports)
    /// before `run()`, so `ferry run` can report it in one line.
    public init(config: NodeConfig, logger: Logger) throws {
        ProcessSignals.ignoreBrokenPipes()
        ProcessSignals.logFatalSignals()
        // Files the node creates (database, WAL, socket) are its user's alone.
        umask(0o077)
        self.config = config
        self.logger = logger
        let (identity, record) = try IdentityFiles.load(from: config.dataDir)
        lock = try NodeLock(config.dataDir)
        loop = try Loop()
        store = try SQLiteMessageStore(path: config.dataDir.databasePath)
        tls = try TLSContext(ed25519PrivateKeySeed: identity.signingSeed)
        startedAt = WallClock.now()
        random = SystemRandom()
        core = try NodeCore(
            identity: identity, record: record, store: store, random: random, limits: Self.limits(for: config),
            listenPort: config.listen?.port ?? 0, now: startedAt)
        try openHandles()
        configureCore()
        core.isCoordinator = config.role == .coordinator
    }

    private func openHandles() throws {
        tickTimer = try LoopTimer(loop: loop)
        flushTimer = try LoopTimer(loop: loop)
        if config.testing { faults = try FaultInjector(loop: loop) }
        if let endpoint = config.listen { try listen(on: endpoint) }
        control = try ControlServer(loop: loop, path: config.dataDir.controlSocketPath) { [weak self] session, request in
            self?.handleControl(request, from: session)
        }
        control.onDrain = { [weak self] session in self?.resumeListing(session) }
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            let handle = try Signal(loop: loop)
            try handle.start(signal: signal) { [weak self] number in
                self?.logger.notice("signal \(number): stopping")
                self?.stop()
            }
            signals.append(handle)
        }

    }

    /// Contacts and pinned seeds get the room kept for them; logs name contacts.
    /// A coordinator serves thousands of nodes, many behind one address (NAT): the stranger and
    /// handshake bounds per host that protect a node would lock them out, so they grow with the
    /// file descriptors it may open.
    static func limits(for config: NodeConfig) -> CoreLimits {
        var limits = config.limits
        guard config.role == .coordinator else { return limits }
        ProcessLimits.raiseOpenFiles()
        let links = coordinatorLinksMax
        limits.strangerLinksMax = max(limits.strangerLinksMax, links)
        limits.strangerLinksPerHostMax = max(limits.strangerLinksPerHostMax, links)
        limits.handshakingLinksMax = max(limits.handshakingLinksMax, 1024)
        limits.handshakingLinksPerHostMax = max(limits.handshakingLinksPerHostMax, 1024)
        return limits
    }

    private func configureCore() {
        let pinned = Set(config.peers.compactMap(\.expected))
        core.isTrustedPeer = { [weak self] address in
            pinned.contains(address) || (try? self?.contactCache.recent().name(for: address)) != nil
        }
        core.displayName = { [weak self] address in
            guard let name = try? self?.contactCache.recent().name(for: address) else { return address.text }
            return "\(name) (\(address.text))"
        }
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

    /// The time for the core: the loop's monotonic clock for timers, the wall clock for messages.
    func now() -> CoreTime {
        CoreTime(wall: WallClock.now(), monotonic: MonotonicTime(milliseconds: loop.nowMilliseconds))
    }

    /// Runs the loop until SIGINT/SIGTERM, then closes every handle and the store.
    public func run() throws {
        logger.notice("ferry node \(address) listening on \(listenEndpoint?.description ?? "(none)"), data \(config.dataDir.path)")
        if faults != nil {
            logger.warning("started with --testing: faults can be injected on the control socket (links cut, delayed, made lossy; docs/CONTROL.md §Faults); never use it in production")
        }
        if config.role == .node { openBeacons() }
        for seed in config.peers {
            core.addSeed(host: seed.endpoint.host, port: seed.endpoint.port, expected: seed.expected, now: now())
        }
        for coordinator in config.coordinators {
            core.addSeed(
                host: coordinator.endpoint.host, port: coordinator.endpoint.port, expected: coordinator.expected,
                coordinator: true, now: now())
        }
        tick()
        loop.run()
        // The stop deadline timer does not keep the loop alive, so it may still be open here.
        loop.closeAllHandles()
        loop.run()
        try store.close()
        try loop.close()
        logger.notice("ferry node stopped")
    }

    /// Begins a clean shutdown: flush, close links and handles; `run()` returns once all are closed.
    /// Every close has a deadline, and after `stopDeadlineMilliseconds` whatever is still open is
    /// closed hard, so a peer that stops reading cannot hold the process.
    public func stop() {
        guard !stopping else { return }
        flush()
        stopping = true
        for stream in streams.values { stream.shutdownThenClose(deadlineMilliseconds: Self.linkCloseDeadlineMilliseconds) }
        listener?.close()
        control.close()
        for timer in pendingDials.values { timer.close() }
        closeBeacons()
        faults?.close()
        pendingDials = [:]
        for signal in signals { signal.close() }
        tickTimer.close()
        flushTimer.close()
        stopTimer = try? LoopTimer(loop: loop)
        stopTimer?.unref()
        stopTimer?.start(afterMilliseconds: Self.stopDeadlineMilliseconds) { [weak self] in
            self?.logger.warning("still closing after \(Self.stopDeadlineMilliseconds) ms; closing everything now")
            self?.loop.closeAllHandles()
        }
        ProcessSignals.exitIfStuck(afterSeconds: Self.stopWatchdogSeconds)
    }

    /// How long a link may take to close gracefully when the node stops.
    static let linkCloseDeadlineMilliseconds: UInt64 = 2_000
    /// How long a stop may take before every handle is closed hard.
    static let stopDeadlineMilliseconds: UInt64 = 5_000
    /// Last resort: the process exits this long after a stop began, whatever the loop is doing.
    static let stopWatchdogSeconds: UInt32 = 15

    /// Runs the core's timers, then arms the timer for the core's next deadline: the core says when
    /// it next has work, instead of being ticked at a fixed rate.
    func tick() {
        guard !stopping else { return }
        perform(core.tick(now: now()))
        logLimiter.reportSuppressed(nowMilliseconds: loop.nowMilliseconds)
        armTick()
    }

    /// (Re)arms the tick timer for the core's next deadline; called after every flush, since any
    /// event may have brought a deadline closer.
    func armTick() {
        guard !stopping else { return }
        loop.updateTime()
        let current = now()
        let due = core.nextDeadline(now: current)
        // At least 1 ms: libuv runs a timer re-armed for "now" from its own callback again in the
        // same pass, so a deadline in the past would keep the loop from ever polling sockets.
        let delay = max(due.since(current.monotonic), 1)
        if let armed = tickDue, armed <= due, armed > current.monotonic { return }
        tickDue = due
        tickTimer.start(afterMilliseconds: delay) { [weak self] in
            self?.tickDue = nil
            self?.tick()
        }
    }

    func log(_ level: FerryCore.LogLevel, _ text: String) {
        logLimiter.log(level, text, nowMilliseconds: loop.nowMilliseconds)
    }
}
