import FerryControl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Liveness, contacts by card, and a timed SIGTERM, for the hardening tests.
extension FerryNodeProcess {
    var pid: pid_t? { child?.pid }

    /// Adds a contact from a card (a test-made identity's, say).
    func addContact(name: String, card: String) throws {
        let added = try runFerry(["contacts", "add", name, card, "--data", dataDir], in: scratch)
        guard added.exitCode == 0 else { throw HarnessError("contacts add \(name) at \(self.name) failed: \(added)") }
    }

    /// Throws unless the process is still running and answers `status`; names the signal that
    /// ended it otherwise (13 is SIGPIPE).
    func checkAlive(_ context: String) throws {
        guard let child else { throw HarnessError("\(name) was not started (\(context))") }
        if let ended = child.poll() {
            let cause = ended == .signalled(SIGPIPE) ? " (SIGPIPE: a write to a closed socket or pipe killed it)" : ""
            throw HarnessError("\(name) (pid \(child.pid)) ended with \(ended)\(cause) \(context)")
        }
        do { _ = try status() } catch {
            // A node that is dying closes its control socket first; say how it ended if it did.
            let ended = child.wait(seconds: Self.dyingSecondsMax).map { " and then ended with \($0)" } ?? ""
            let cause = child.poll() == .signalled(SIGPIPE) ? " (SIGPIPE)" : ""
            throw HarnessError("\(name) (pid \(child.pid)) did not answer status \(context)\(ended)\(cause): \(error)")
        }
    }

    /// How long a node that stopped answering gets to end, so a check can name the signal.
    static let dyingSecondsMax: TimeInterval = 1

    /// SIGTERM by pid and wait up to `seconds`; returns how it ended (nil: still running, and
    /// then killed) and how long it took. The harness's own stop would SIGKILL after its grace
    /// period and hide a slow stop; this one reports it.
    func terminateTimed(seconds: TimeInterval) -> (Termination?, TimeInterval) {
        guard let child else { return (nil, 0) }
        let started = Date()
        child.signal(SIGTERM)
        let ended = child.wait(seconds: seconds)
        let took = Date().timeIntervalSince(started)
        if ended == nil { child.killNow() }
        return (ended, took)
    }
}
