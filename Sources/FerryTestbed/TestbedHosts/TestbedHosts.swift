/// One end of a link, as the hosts need it to fault the link there.
struct LinkEnd {
    let name: String
    /// The process's Ferry address (32 hex characters).
    let address: String
    /// Its control socket.
    let controlSocketPath: String
}

/// Where the processes of a run live and how a link between two of them is faulted. The runner
/// decides what happens and when; the hosts carry it out. `LoopbackHosts` puts every process on
/// 127.0.0.1 and faults links through each node's fault hook (control op `fault`); `NetnsHosts`
/// (`--hosts netns`) gives each process a network namespace and an address on a bridge, and faults
/// links in the network: routes, closed connections, `tc netem`. A fault has two parts, so that
/// each lives as long as what holds it: what the network holds (`changeNetwork`, kept while the
/// processes come and go) and what a process holds in its memory (`changeLink`, told again to a
/// process that restarts). Not `Sendable`: the runner's thread owns it.
protocol TestbedHosts: AnyObject {
    /// `loopback` or `netns`, as the report names it.
    var kind: String { get }

    /// How this run's faults differ from what the hosts kind promises (a fallback taken because
    /// the kernel lacks something), one sentence each; the report carries them. The runner shows
    /// each new one as it appears.
    var notes: [String] { get }

    /// Makes a place for each named process (a port here; a namespace and an address there).
    /// Throws `TestbedError.hostsUnavailable` where this kind of hosts cannot be made at all.
    func prepare(hosts: [String]) throws

    /// Where the process listens (`--listen`), and where the others dial it (`--peer`,
    /// `--coordinator`); both stay the same across restarts.
    func listenEndpoint(of host: String) throws -> String
    func dialEndpoint(of host: String) throws -> String

    /// Starts `executable arguments…` as the process of `host`, its output appended to `logPath`.
    func launch(host: String, executable: String, arguments: [String], logPath: String) throws -> TestbedProcess

    /// Brings the network between `first` and `second` from `old` to `new`, whether their
    /// processes run or not. Called once per change of the link.
    func changeNetwork(between first: LinkEnd, and second: LinkEnd, from old: LinkCondition, to new: LinkCondition) throws

    /// Brings what `end`'s process holds about its link with `peer` from `old` to `new`. The runner
    /// calls it for each end that is running, after `changeNetwork`, and again for a process that
    /// restarts (from `.intact`, since a new process has forgotten its faults).
    func changeLink(at end: LinkEnd, peer: LinkEnd, from old: LinkCondition, to new: LinkCondition) throws

    /// Undoes `prepare`; safe to call twice and after a failed `prepare`.
    func tearDown()
}

/// Which hosts a run uses (`--hosts`).
public enum TestbedHostsKind: String, Sendable, CaseIterable {
    /// Every process on 127.0.0.1; links faulted through the nodes' fault hook.
    case loopback
    /// A network namespace per process on one bridge in 198.18.0.0/15 (root only); cuts are routes
    /// and closed connections, loss and delay `tc netem` where the kernel has it.
    case netns

    /// `say` shows a line about the hosts in the live view (a stale namespace removed, say).
    func makeHosts(say: @escaping (String) -> Void) -> TestbedHosts {
        switch self {
        case .loopback: return LoopbackHosts()
        case .netns: return NetnsHosts(say: say)
        }
    }
}
