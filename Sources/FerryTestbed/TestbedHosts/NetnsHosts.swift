import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `--hosts netns` (docs/TESTBED.md §Hosts in network namespaces): each process in a network
/// namespace of its own with one veth cable to a bridge, which lives in a namespace of its own
/// too (the "switch"), so the run touches nothing of the root namespace's links, routes or
/// firewall, and deleting its namespaces is its whole cleanup. Every process listens on port 7000
/// of its address in 198.18.0.0/15 and is dialled there; with discovery, LAN beacons are real
/// multicast on the bridge.
///
/// Faults live in the network: a cut is an `unreachable` route to the peer's address in each end's
/// namespace plus the TCP connections between them closed (`ss -K`), removed on heal; loss and
/// delay are `tc netem` on each end's cable, for traffic to that peer only. Where the kernel lacks
/// netem or socket closing, the nodes' fault hook does that part instead, and a note says so.
/// Not `Sendable`: the runner's thread owns it.
final class NetnsHosts: TestbedHosts {
    let kind = "netns"
    private(set) var notes: [String] = []
    let names = NetnsNames(pid: getpid())
    let say: (String) -> Void
    /// Host numbers from 1, in the order `prepare` got the names.
    private(set) var numbers: [String: Int] = [:]
    /// Namespaces this run made (or began to make), removed by `tearDown`.
    var namespacesMade: [String] = []
    var tools: NetnsTools?
    /// Why loss and delay cannot be `tc netem` here (nil: they are).
    var netemMissing: String?
    /// False once `ss -K` left a connection open (or there is no `ss`): cuts then also go through
    /// the fault hook, which closes the nodes' links itself.
    var socketsClosable = true
    /// What the network of each end holds about each peer: (end, peer) → condition.
    var network: [DirectedLink: LinkCondition] = [:]
    /// Hosts whose cable has the shaping root (`tc` HTB) and the peers with a class under it.
    var shapedHosts: Set<String> = []
    var shapedPeers: Set<DirectedLink> = []
    private var tornDown = false

    struct DirectedLink: Hashable {
        let end: String
        let peer: String
    }

    init(say: @escaping (String) -> Void) {
        self.say = say
    }

    func prepare(hosts: [String]) throws {
        guard hosts.count <= NetnsNames.hostsMax else {
            throw TestbedError.runner("--hosts netns takes at most \(NetnsNames.hostsMax) processes, not \(hosts.count)")
        }
        let tools = try NetnsTools.find()
        self.tools = tools
        try sweepStale()
        for (index, host) in hosts.enumerated() { numbers[host] = index + 1 }
        try build(hosts)
        netemMissing = probeNetem()
    }

    func listenEndpoint(of host: String) throws -> String { "\(try address(of: host)):\(NetnsNames.port)" }
    func dialEndpoint(of host: String) throws -> String { "\(try address(of: host)):\(NetnsNames.port)" }

    /// `ip netns exec NS COMMAND…`: ip enters the namespace and execs the command in place, so the
    /// PID the runner holds is the process's own.
    func launch(host: String, executable: String, arguments: [String], logPath: String) throws -> TestbedProcess {
        guard let tools, numbers[host] != nil else { throw TestbedError.runner("no namespace was prepared for \(host)") }
        return try TestbedProcess(
            executable: tools.ip, arguments: ["netns", "exec", names.hostNamespace(host), executable] + arguments, logPath: logPath)
    }

    func changeNetwork(between first: LinkEnd, and second: LinkEnd, from old: LinkCondition, to new: LinkCondition) throws {
        try changeNetwork(first.name, second.name, to: new)
    }

    /// Only the parts the network cannot carry here go to the process: a cut where `ss -K` does not
    /// close sockets, loss and delay where there is no netem.
    func changeLink(at end: LinkEnd, peer: LinkEnd, from old: LinkCondition, to new: LinkCondition) throws {
        try FaultHook.apply(at: end, peer: peer, from: hookPart(of: old), to: hookPart(of: new))
    }

    func hookPart(of condition: LinkCondition) -> LinkCondition {
        var part = LinkCondition.intact
        part.cutByEvent = condition.isCut && !socketsClosable
        part.impairment = netemMissing == nil ? nil : condition.impairment
        return part
    }

    func tearDown() {
        guard !tornDown else { return }
        tornDown = true
        guard tools != nil, !namespacesMade.isEmpty else { return }
        let problems = deleteNamespaces(namespacesMade.reversed())
        namespacesMade = []
        for problem in problems { say("warning: \(problem)") }
    }

    /// Adds a note for the report and shows it, once per text.
    func remark(_ text: String) {
        guard !notes.contains(text) else { return }
        notes.append(text)
        say("note: \(text)")
    }

    func address(of host: String) throws -> String {
        guard let number = numbers[host] else { throw TestbedError.runner("no namespace was prepared for \(host)") }
        return names.address(number)
    }

    // MARK: Tools

    /// Runs `ip arguments…` (with `input` as a batch on stdin); throws naming the command and its
    /// error unless it succeeds. A signal that came meanwhile stops the run here.
    @discardableResult
    func ip(_ arguments: [String], input: String? = nil) throws -> HostCommandResult {
        guard let tools else { throw TestbedError.runner("ip was not found") }
        return try checked(tools.ip, arguments, input: input)
    }

    @discardableResult
    func checked(_ executable: String, _ arguments: [String], input: String? = nil) throws -> HostCommandResult {
        let result = try HostCommand.run(executable, arguments, input: input)
        try SignalWatch.check()
        guard result.succeeded else {
            throw TestbedError.runner("\(HostCommand.commandLine(executable, arguments)) failed (\(result.end)): \(result.reason)")
        }
        return result
    }
}

/// The system tools `--hosts netns` drives.
struct NetnsTools {
    let ip: String
    /// `tc`, for loss and delay (netem); without it the fault hook does them.
    let tc: String?
    /// `ss`, to close the connections a cut breaks; without it the fault hook closes them.
    let ss: String?

    /// Root and `ip`, or why `--hosts netns` cannot run here.
    static func find() throws -> NetnsTools {
        guard geteuid() == 0 else {
            throw TestbedError.hostsUnavailable("network namespaces need root, and this runs as uid \(geteuid())")
        }
        guard let ip = HostCommand.locate("ip") else {
            throw TestbedError.hostsUnavailable("there is no `ip` command (install iproute2)")
        }
        return NetnsTools(ip: ip, tc: HostCommand.locate("tc"), ss: HostCommand.locate("ss"))
    }
}
