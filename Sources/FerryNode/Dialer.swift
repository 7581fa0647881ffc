import FerryCore
import FerryLoop
import FerryWire

/// Keeps one `--peer` seed connected: dials, and after a failure or a lost link dials again
/// after a backoff with jitter. Loop-confined, not `Sendable`.
final class Dialer {
    enum State {
        case waiting
        case connecting
        case connected(LinkID)
    }

    let endpoint: Endpoint
    /// The address pinned with `--peer ADDRESS@HOST:PORT`, if any; never replaced by what answers.
    let pinned: Address?
    private(set) var state: State = .waiting
    private var backoff = Backoff()
    private let timer: LoopTimer

    init(seed: PeerSeed, loop: Loop) throws {
        self.endpoint = seed.endpoint
        self.pinned = seed.expected
        self.timer = try LoopTimer(loop: loop)
    }

    var link: LinkID? {
        if case .connected(let link) = state { return link }
        return nil
    }

    /// Dials now; `connect` does the work and reports back through `connected`/`failed`.
    func start(_ connect: @escaping (Dialer) -> Void) {
        state = .connecting
        connect(self)
    }

    /// The connect under way, so a timeout or a shutdown can abandon it.
    private var pendingConnect: TCPStream?

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
    func established() {
        backoff.reset()
    }

    /// The dial failed or the link ended: try again later.
    func scheduleRetry(unit: Double, _ connect: @escaping (Dialer) -> Void) -> UInt64 {
        state = .waiting
        let delay = backoff.next(unit: unit)
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
