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
/// 127.0.0.1 and faults links through each node's fault hook (control op `fault`); a variant on
/// network namespaces (`--hosts netns`) would give each process its own address on a bridge and
/// fault links with real link state and `tc netem`. Not `Sendable`: the runner's thread owns it.
protocol TestbedHosts: AnyObject {
    /// `loopback` or `netns`, as the report names it.
    var kind: String { get }

    /// Makes a place for each named process (a port here; a namespace and an address there).
    func prepare(hosts: [String]) throws

    /// Where the process listens (`--listen`), and where the others dial it (`--peer`,
    /// `--coordinator`); both stay the same across restarts.
    func listenEndpoint(of host: String) throws -> String
    func dialEndpoint(of host: String) throws -> String

    /// Starts `executable arguments…` as the process of `host`, its output appended to `logPath`.
    func launch(host: String, executable: String, arguments: [String], logPath: String) throws -> TestbedProcess

    /// Brings the link between `end` and `peer` from `old` to `new` on `end`'s side. The runner
    /// calls it for each end that is running, and again for a process that restarts (from
    /// `.intact`, since a new process has forgotten its faults).
    func changeLink(at end: LinkEnd, peer: LinkEnd, from old: LinkCondition, to new: LinkCondition) throws

    /// Undoes `prepare`; safe to call twice and after a failed `prepare`.
    func tearDown()
}

/// Which hosts a run uses (`--hosts`; only `loopback` so far).
public enum TestbedHostsKind: String, Sendable, CaseIterable {
    /// Every process on 127.0.0.1; links faulted through the nodes' fault hook.
    case loopback

    func makeHosts() -> TestbedHosts {
        switch self {
        case .loopback: return LoopbackHosts()
        }
    }
}
