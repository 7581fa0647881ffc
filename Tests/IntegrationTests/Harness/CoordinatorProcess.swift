import FerryControl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Coordinators for the coordinator tests: a `FerryNodeProcess` whose `ferry run` command line is
/// rewritten to `ferry coordinator` (same data directory, listen address, peers and log level).
/// Its identity is made up front by `ferry init`, which the coordinator command accepts, so its
/// address is known before the first start and nodes can pin it (`--coordinator ADDRESS@HOST:PORT`).
extension IntegrationTestCase {
    /// A new coordinator, not running; tearDown stops it like any node.
    func makeCoordinator(_ name: String) throws -> FerryNodeProcess {
        let coordinator = try makeNode(name)
        coordinator.extraRunArguments = []  // a coordinator has no discovery to turn off
        coordinator.launcher = { executable, arguments in
            guard arguments.first == "run" else { throw HarnessError("expected a ferry run command line, got \(arguments)") }
            return (executable, ["coordinator"] + arguments.dropFirst())
        }
        return coordinator
    }

    /// Makes `node` a mesh node that links only to its `--peer` seeds and uses `coordinators`.
    /// Takes effect at its next start; the coordinators must have started once (their ports).
    func use(_ coordinators: [FerryNodeProcess], at node: FerryNodeProcess) throws {
        node.extraRunArguments = ["--no-discovery"] + (try coordinators.flatMap { ["--coordinator", try $0.pin] })
    }

    /// Waits until `node` reports its link to `coordinator` `up` (or `down`) in `status`.
    func waitUntilCoordinator(
        _ coordinator: FerryNodeProcess, is state: String, at node: FerryNodeProcess,
        seconds: TimeInterval = Harness.deliverySecondsMax
    ) throws {
        try waitUntil("\(node.name) sees coordinator \(coordinator.name) \(state)", seconds: seconds) {
            try node.coordinatorInfo(coordinator)?.state == state
        }
    }

    /// Waits until `coordinator` holds exactly `count` mailbox messages (control-socket status).
    func waitUntilMailboxes(
        _ coordinator: FerryNodeProcess, hold count: Int, seconds: TimeInterval = Harness.deliverySecondsMax
    ) throws {
        try waitUntil("\(coordinator.name) holds \(count) mailbox messages", seconds: seconds) {
            try coordinator.mailboxMessages() == count
        }
    }
}

extension FerryNodeProcess {
    /// This node's entry for `coordinator` in `status` (nil if it is not configured).
    func coordinatorInfo(_ coordinator: FerryNodeProcess) throws -> CoordinatorInfo? {
        try status().coordinators?.first { $0.address == coordinator.address }
    }

    /// Mailbox messages a coordinator holds, from its `status`; throws for a node without mailboxes.
    func mailboxMessages() throws -> Int {
        guard let mailboxes = try status().mailboxes else { throw HarnessError("\(name) reports no mailboxes: not a coordinator?") }
        return mailboxes.messages
    }

    /// Freezes the process (SIGSTOP by pid): its sockets stay open but nothing is read or answered,
    /// as a hung server. `resume` must follow before the test ends, or tearDown's SIGTERM waits.
    func suspend() throws {
        guard let pid else { throw HarnessError("\(name) is not running") }
        kill(pid, SIGSTOP)
    }

    /// Lets a suspended process run again (SIGCONT by pid).
    func resume() {
        guard let pid else { return }
        kill(pid, SIGCONT)
    }
}
