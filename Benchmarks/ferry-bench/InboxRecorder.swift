import FerryControl
import Foundation
import Synchronization

/// Follows B's inbox on its own control connection and thread, and stamps each message with the
/// bench's monotonic clock the moment its line is read. The thread does nothing else, so a stamp
/// is late by at most one JSON decode.
final class InboxRecorder: Sendable {
    private struct State {
        var arrivals: [String: UInt64] = [:]
        /// The path each message came by, as B's inbox line says (`direct`, `mesh`, `coordinator`).
        var paths: [String: String] = [:]
        var failure: String?
        var following = false
        var finished = false
    }

    private let state = Mutex(State())
    private let stopping = Atomic<Bool>(false)

    /// Starts following `socketPath`; returns once the follow request is sent. The client is made
    /// on the recorder's thread and never leaves it.
    init(socketPath: String, dataDir: String) throws {
        let thread = Thread { [self] in self.readLoop(socketPath: socketPath, dataDir: dataDir) }
        thread.name = "inbox-recorder"
        thread.start()
        let deadline = Deadline(seconds: 10, what: "following B's inbox")
        while true {
            let (following, failure) = state.withLock { ($0.following, $0.failure) }
            if let failure { throw BenchError.node("B's inbox stream: \(failure)") }
            if following { return }
            try deadline.check()
            MonotonicClock.pause(milliseconds: 2)
        }
    }

    private func readLoop(socketPath: String, dataDir: String) {
        defer { state.withLock { $0.finished = true } }
        let client: ControlClient
        do {
            client = try ControlClient(socketPath: socketPath, dataDir: dataDir)
            try client.send(ControlRequest(op: "inbox", after: 0, follow: true))
        } catch {
            state.withLock { $0.failure = "\(error)" }
            return
        }
        state.withLock { $0.following = true }
        while !stopping.load(ordering: .relaxed) {
            do {
                let reply = try client.receive(timeoutMilliseconds: 200)
                let now = MonotonicClock.nanoseconds()
                guard reply.ok else {
                    state.withLock { $0.failure = reply.error ?? "inbox refused" }
                    return
                }
                if let message = reply.message {
                    state.withLock { state in
                        guard state.arrivals[message.id] == nil else { return }
                        state.arrivals[message.id] = now
                        state.paths[message.id] = message.path
                    }
                }
            } catch ControlError.timedOut {
                continue
            } catch {
                state.withLock { $0.failure = "\(error)" }
                return
            }
        }
    }

    /// Arrival stamps of `ids` seen so far.
    func arrivals(of ids: [String]) -> [String: UInt64] {
        state.withLock { state in
            var found: [String: UInt64] = [:]
            for id in ids { if let time = state.arrivals[id] { found[id] = time } }
            return found
        }
    }

    /// Arrival stamps and paths of `ids` seen so far.
    func deliveries(of ids: [String]) -> [String: (stamp: UInt64, path: String)] {
        state.withLock { state in
            var found: [String: (stamp: UInt64, path: String)] = [:]
            for id in ids {
                if let time = state.arrivals[id] { found[id] = (time, state.paths[id] ?? "?") }
            }
            return found
        }
    }

    /// Messages seen so far, whatever their id.
    var arrivedCount: Int { state.withLock { $0.arrivals.count } }

    /// Waits until every id in `ids` has arrived; returns their stamps.
    func waitForAll(_ ids: [String], _ deadline: Deadline) throws -> [String: UInt64] {
        while true {
            let (found, failure) = state.withLock { state in
                (ids.reduce(0) { $0 + (state.arrivals[$1] == nil ? 0 : 1) }, state.failure)
            }
            if let failure { throw BenchError.node("B's inbox stream: \(failure)") }
            if found == ids.count { return arrivals(of: ids) }
            try deadline.check()
            MonotonicClock.pause(milliseconds: 2)
        }
    }

    /// Asks the thread to stop and waits (bounded) for it to leave its receive.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        let deadline = Deadline(seconds: 2, what: "inbox recorder")
        while !state.withLock({ $0.finished }) && !deadline.passed { MonotonicClock.pause(milliseconds: 5) }
    }
}
