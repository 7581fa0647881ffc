import FerryCore
import FerryLoop
import FerryWire

/// Keeps one `--peer` seed connected: dials, and after a failure or a lost link dials again
/// after a backoff with jitter. It remembers what went wrong last, for `ferry peers`.
/// Loop-confined, not `Sendable`.
final class Dialer {
    enum State: Equatable {
        /// A retry is armed for `retryAt` (monotonic ms).
        case waiting(retryAt: UInt64)
        case connecting
        case connected(LinkID)
        /// The seed's node is linked to us another way (it dialled us): no dial until that link ends.
        case linkedElsewhere
        /// The seed is this node itself; never dialled again.
        case isSelf
    }

    let endpoint: Endpoint
    /// The address pinned with `--peer ADDRESS@HOST:PORT`, if any; never replaced by what answers.
    let pinned: Address?
    /// Who answered there last (the pin, or what the handshake showed).
    private(set) var peer: Address?
    private(set) var state: State = .waiting(retryAt: 0)
    /// Why the last dial or link failed, in a few words; nil once linked.
    private(set) var lastError: String?
    /// Failures since the last link; the first one is worth a warning, the rest are debug.
    private(set) var failuresInRow = 0
    private var backoff = Backoff()
    private let timer: LoopTimer
    /// The connect under way, so a timeout or a shutdown can abandon it.
    private var pendingConnect: TCPStream?

    init(seed: PeerSeed, loop: Loop) throws {
        self.endpoint = seed.endpoint
        self.pinned = seed.expected
        self.peer = seed.expected
        self.timer = try LoopTimer(loop: loop)
    }

    var link: LinkID? {
        if case .connected(let link) = state { return link }
        return nil
    }

    /// Dials now; `connect` does the work and reports back through `connected`/`failed`.
    func start(_ connect: @escaping (Dialer) -> Void) {
        guard state != .isSelf else { return }
        timer.stop()
        state = .connecting
        connect(self)
    }

    /// Remembers a connect in progress and abandons it after `timeoutMilliseconds`
    /// (a seed that drops SYNs would otherwise hold the dialler for the kernel's long timeout).
    func connecting(_ stream: TCPStream, timeoutMilliseconds: UInt64) {
        pendingConnect = stream
        timer.start(afterMilliseconds: timeoutMilliseconds) { [weak self] in self?.abandonConnect() }
    }

    /// The connect finished, one way or the other.
    func connectFinished() {
        pendingConnect = nil
        timer.stop()
    }

    private func abandonConnect() {
        pendingConnect?.close()  // its callback then reports the cancellation and a retry follows
        pendingConnect = nil
    }

    func connected(_ link: LinkID) { state = .connected(link) }

    /// The link got through the handshake: the next failure starts with a short delay again.
    func established(peer: Address) {
        self.peer = peer
        backoff.reset()
        failuresInRow = 0
        lastError = nil
    }

    /// Records why a dial or a link failed; true for the first failure in a row (log it louder).
    @discardableResult
    func failed(_ reason: String) -> Bool {
        lastError = reason
        failuresInRow += 1
        return failuresInRow == 1
    }

    /// The core refused the link: remember what that means for the next dial.
    func rejected(_ rejection: LinkRejection) {
        switch rejection {
        case .isSelf:
            state = .isSelf
            lastError = "this is the node itself"
        case .duplicate: lastError = nil  // the other link is up; `linkedElsewhere` follows
        case .wrongPeer: failed("answered by another node than the pinned address")
        case .busy: failed("the peer is busy (too many links)")
        }
    }

    /// The dial failed or the link ended: try again later. Returns the delay, or nil when no
    /// retry was armed (itself, or linked another way).
    func scheduleRetry(unit: Double, nowMilliseconds: UInt64, linkedElsewhere: Bool, _ connect: @escaping (Dialer) -> Void) -> UInt64? {
        guard state != .isSelf else { return nil }
        if linkedElsewhere {
            state = .linkedElsewhere
            return nil
        }
        let delay = backoff.next(unit: unit)
        state = .waiting(retryAt: nowMilliseconds + delay)
        timer.start(afterMilliseconds: delay) { [weak self] in
            guard let self else { return }
            self.start(connect)
        }
        return delay
    }

    func close() {
        abandonConnect()
        timer.close()
    }
}
