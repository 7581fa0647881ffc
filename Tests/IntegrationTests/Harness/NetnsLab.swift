import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small multi-host network for integration tests: N hosts, each a network namespace with one
/// veth link to a bridge, addressed 198.(18 + S / 256).(S % 256).(10 + N)/24 where S is the lab's
/// subnet. Hosts are numbered from 1.
///
/// The bridge lives in a namespace of its own (the "switch"), not in the root namespace: nothing
/// the lab does touches the root namespace's links, routes or firewall (a Docker host's FORWARD
/// policy DROP with br_netfilter would silently eat bridged packets there, and NetworkManager or
/// networkd may grab new root interfaces), and deleting the namespaces is the whole cleanup.
///
/// Each host has `lo` up, its address, a route for 224.0.0.0/4 through its veth (there is no
/// default route, so without it IPv4 multicast sends fail with ENETUNREACH), and IPv6 with
/// duplicate-address detection off so its link-local address is usable at once. The bridge has
/// multicast snooping off: it floods multicast to every port, with no IGMP/MLD querier needed.
///
/// `teardown()` stops the processes the lab started and deletes everything it made; call it from
/// tearDown. `sweepStale(prefix:)` deletes labs whose creating process is gone.
/// Not `Sendable`: owned by the test that made it.
final class NetnsLab {
    /// Why a lab cannot be made here, in one line; tests turn it into an XCTSkip.
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static let defaultPrefix = "ferry"

    let naming: NetnsNaming
    let hosts: Int
    /// Where processes started with `run` write their output; removed by teardown.
    let directory: String
    private var namespacesMade: [String] = []
    private var processes: [LabProcess] = []
    private var tornDown = false
    /// False when the kernel has no IPv6 (/proc/sys/net/ipv6 missing): then only IPv4 is set up.
    let hasIPv6: Bool
    /// False for a lab whose hosts have no IPv4 at all (no address, no multicast route), only
    /// IPv6 link-local: for tests of what must work without IPv4. `address(of:)` is then unassigned.
    let hasIPv4: Bool
    /// Seconds from the first `ip` command until every host was ready.
    private(set) var setupSeconds: TimeInterval = 0

    var bridgeName: String { naming.bridge }
    var switchNamespace: String { naming.switchNamespace }
    var hostNumbers: ClosedRange<Int> { 1...hosts }
    var allNamespaces: [String] { [naming.switchNamespace] + hostNumbers.map(naming.hostNamespace) }

    /// Makes and brings up a lab of `hosts` hosts; throws `Unavailable` where namespaces cannot be
    /// made (or, with `ipv4: false`, where the kernel has no IPv6). On any failure part-way, deletes
    /// what it made before throwing.
    init(hosts: Int, prefix: String = NetnsLab.defaultPrefix, ipv4: Bool = true) throws {
        precondition((1...NetnsLimits.hostsMax).contains(hosts), "a lab has 1...\(NetnsLimits.hostsMax) hosts")
        precondition(NetnsNaming.isValidPrefix(prefix), "a lab prefix is 1...\(NetnsLimits.prefixCharactersMax) lowercase letters or digits")
        if let reason = Self.unavailableReason { throw Unavailable(reason) }
        self.hosts = hosts
        naming = NetnsNaming(prefix: prefix, subnet: try Self.freeSubnet(prefix: prefix), pid: getpid())
        precondition([naming.bridge, naming.switchPort(hosts), naming.hostInterface(hosts)].allSatisfy { $0.count <= NetnsLimits.interfaceNameCharactersMax })
        // Named like the namespaces (role `d…`), so a sweep finds it after a crash.
        var template = Array(FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(naming.runID)-dXXXXXX").path.utf8CString)
        guard let made = mkdtemp(&template) else { throw HarnessError("mkdtemp: \(String(cString: strerror(errno)))") }
        directory = String(cString: made)
        hasIPv6 = FileManager.default.fileExists(atPath: "/proc/sys/net/ipv6")
        hasIPv4 = ipv4
        guard hasIPv4 || hasIPv6 else {
            try? FileManager.default.removeItem(atPath: directory)
            throw Unavailable("an IPv6-only lab needs IPv6 in the kernel (/proc/sys/net/ipv6 is missing)")
        }
        let started = Date()
        do {
            try build()
            try waitUntilReady()
        } catch {
            if let problems = try? teardown(), !problems.isEmpty { print("lab teardown after a failed setup: \(problems)") }
            throw error
        }
        setupSeconds = Date().timeIntervalSince(started)
    }

    deinit {
        // A safety net only: tests call teardown() themselves and check what it says.
        if !tornDown { _ = try? teardown() }
    }

    func namespace(of host: Int) -> String {
        checkHost(host)
        return naming.hostNamespace(host)
    }

    /// The host's IPv4 address, without prefix length.
    func address(of host: Int) -> String {
        checkHost(host)
        return naming.address(host)
    }

    /// The host's end of its veth, the interface its traffic and multicast leave through.
    func interface(of host: Int) -> String {
        checkHost(host)
        return naming.hostInterface(host)
    }

    func switchPort(of host: Int) -> String {
        checkHost(host)
        return naming.switchPort(host)
    }

    /// The host's IPv6 link-local address (fe80::…, without scope), as `ip` reports it.
    func linkLocalAddress(of host: Int) throws -> String {
        let shown = try NetnsTool.ip(["-n", namespace(of: host), "-o", "-6", "addr", "show", "dev", interface(of: host), "scope", "link"])
        for line in shown.lines {
            let fields = line.split(separator: " ")
            guard let index = fields.firstIndex(of: "inet6"), index + 1 < fields.count else { continue }
            return String(fields[index + 1].split(separator: "/").first ?? "")
        }
        throw HarnessError("host \(host) has no IPv6 link-local address on \(interface(of: host)): \(shown.stdout)")
    }

    /// `executable arguments…` wrapped to run inside host `host`'s namespace: `ip netns exec`
    /// execs the program in place, so a child started from this keeps the program's own pid
    /// (for starting a `FerryNodeProcess`-like child through other machinery).
    func command(host: Int, executable: String, arguments: [String]) throws -> (executable: String, arguments: [String]) {
        (try NetnsTool.ip(), ["netns", "exec", namespace(of: host), executable] + arguments)
    }

    /// Starts `executable arguments…` inside host `host`'s namespace with stdout and stderr in
    /// files of the lab's directory; teardown stops it by pid. `executable` may be a path or a name
    /// looked up on PATH.
    @discardableResult
    func run(host: Int, executable: String, arguments: [String], label: String? = nil) throws -> LabProcess {
        precondition(!tornDown, "run on a lab that was torn down")
        let tag = "h\(host)-\(label ?? URL(fileURLWithPath: executable).lastPathComponent)-\(processes.count)"
        let wrapped = try command(host: host, executable: executable, arguments: arguments)
        let process = try LabProcess(
            host: host, executable: wrapped.executable, arguments: wrapped.arguments,
            stdoutPath: directory + "/" + tag + ".out", stderrPath: directory + "/" + tag + ".err")
        processes.append(process)
        return process
    }

    /// Stops every process the lab started (SIGTERM, then SIGKILL after a grace period), kills by
    /// pid anything else still inside its namespaces, deletes the namespaces (and with them every
    /// link the lab made) and its directory. Safe to call twice. Returns the problems met, one line
    /// each; an empty list means nothing of the lab is left.
    @discardableResult
    func teardown() throws -> [String] {
        guard !tornDown else { return [] }
        tornDown = true
        for process in processes { process.child.terminate(graceSeconds: NetnsLimits.processStopGraceSeconds) }
        var problems: [String] = []
        for namespace in namespacesMade.reversed() {
            do { try NetnsTool.deleteNamespace(namespace) } catch { problems.append("\(error)") }
        }
        namespacesMade = []
        try? FileManager.default.removeItem(atPath: directory)
        let left = Set(try NetnsTool.namespaces()).intersection(allNamespaces)
        if !left.isEmpty { problems.append("namespaces still listed after teardown: \(left.sorted())") }
        return problems
    }

    /// Makes a namespace and remembers it for teardown.
    func addNamespace(_ name: String) throws {
        try NetnsTool.ip(["netns", "add", name])
        namespacesMade.append(name)
    }

    private func checkHost(_ host: Int) {
        precondition(hostNumbers.contains(host), "host \(host) is not in 1...\(hosts)")
    }
}

extension NetnsLab {
    /// Nil where labs can be made here; otherwise why not, in one line. Probed once per process:
    /// root, an `ip` command, and a namespace with a bridge and a veth pair made and deleted.
    static var unavailableReason: String? { availability }

    static var isAvailable: Bool { availability == nil }

    private static let availability: String? = probe()

    private static func probe() -> String? {
        guard geteuid() == 0 else { return "network namespaces need root; this test runs as uid \(geteuid())" }
        guard NetnsTool.ipPath != nil else { return "no `ip` command (install iproute2)" }
        let name = "\(defaultPrefix)-probe-\(getpid())-ns"
        let steps: [[String]] = [
            ["netns", "add", name],
            ["-n", name, "link", "add", "fprobebr", "type", "bridge"],
            ["-n", name, "link", "add", "fprobea", "type", "veth", "peer", "name", "fprobeb"],
        ]
        var reason: String?
        for step in steps where reason == nil {
            do {
                let result = try NetnsTool.run(try NetnsTool.ip(), step)
                if !result.succeeded { reason = "`ip \(step.joined(separator: " "))` failed: \(result.reason)" }
            } catch {
                reason = "\(error)"
            }
        }
        _ = try? NetnsTool.run(try NetnsTool.ip(), ["netns", "delete", name])
        return reason
    }

    /// Deletes the namespaces (and so the links) and directories of labs with this prefix whose
    /// creating process is gone, killing by pid whatever still runs in them. Labs of live
    /// processes, including other test runs going on at the same time, are left alone. Returns the
    /// namespaces deleted; one it cannot delete is reported on stdout and skipped.
    @discardableResult
    static func sweepStale(prefix: String = NetnsLab.defaultPrefix) throws -> [String] {
        guard isAvailable else { return [] }
        var deleted: [String] = []
        for name in try NetnsTool.namespaces() {
            guard let parsed = NetnsNaming.parse(name, prefix: prefix), !NetnsNaming.isAlive(parsed.pid) else { continue }
            do {
                try NetnsTool.deleteNamespace(name)
                deleted.append(name)
            } catch {
                print("could not remove the stale namespace \(name): \(error)")
            }
        }
        let temporary = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? [] {
            guard let parsed = NetnsNaming.parse(name, prefix: prefix), name.split(separator: "-").last?.hasPrefix("d") == true,
                  !NetnsNaming.isAlive(parsed.pid) else { continue }
            try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
        }
        return deleted
    }

    /// A /24 no live lab with this prefix uses, starting from one picked by pid so concurrent runs
    /// spread out. Labs are separate layer-2 networks, so two runs racing for one subnet would
    /// still work; distinct subnets keep captures and logs unambiguous.
    private static func freeSubnet(prefix: String) throws -> Int {
        let used = Set(try NetnsTool.namespaces().compactMap { NetnsNaming.parse($0, prefix: prefix).flatMap { Int($0.tag) } })
        let start = Int(getpid()) % NetnsLimits.subnetsCount
        for offset in 0..<NetnsLimits.subnetsCount where !used.contains((start + offset) % NetnsLimits.subnetsCount) {
            return (start + offset) % NetnsLimits.subnetsCount
        }
        throw HarnessError("all \(NetnsLimits.subnetsCount) lab subnets in 198.18.0.0/15 are in use; run NetnsLab.sweepStale")
    }
}
