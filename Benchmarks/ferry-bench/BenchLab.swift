import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A LAN of network namespaces for scenarios 13 and 15, cut down from the tests' NetnsLab
/// (Tests/IntegrationTests/Harness/NetnsLab*.swift): hosts 1…N, each a namespace with one veth to
/// a bridge in a switch namespace, addressed 198.(18 + S / 256).(S % 256).(10 + N)/24, with a
/// route for 224.0.0.0/4 (there is no default route) and IPv6 off, so the interface counters hold
/// only what the nodes send (and ARP). Nothing touches the root namespace.
///
/// Names follow the tests' lab (`ferry-<subnet>-<pid>-sw|hN`), so a lab left by a crashed bench
/// is removed by the tests' stale sweep once this process is gone. `teardown()` deletes it all.
final class BenchLab {
    let hosts: Int
    let subnet: Int
    let directory: String
    private let ip: String
    private var made: [String] = []

    static let prefix = "ferry"
    static let subnetsCount = 512


    init(hosts: Int, directory: String) throws {
        guard let ip = Self.ipPath else { throw BenchError.command("no `ip` command") }
        self.ip = ip
        self.hosts = hosts
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        subnet = try Self.freeSubnet(ip: ip, scratch: directory)
        do { try build() } catch {
            teardown()
            throw error
        }
    }

    var switchNamespace: String { "\(Self.prefix)-\(subnet)-\(getpid())-sw" }
    func namespace(_ host: Int) -> String { "\(Self.prefix)-\(subnet)-\(getpid())-h\(host)" }
    func interface(_ host: Int) -> String { "fnet\(subnet)h\(host)" }
    func address(_ host: Int) -> String { "198.\(18 + subnet / 256).\(subnet % 256).\(10 + host)" }

    /// `ip netns exec NAMESPACE` + a command: execs in place, so the child keeps the command's pid.
    func wrap(host: Int, _ executable: String, _ arguments: [String]) -> (String, [String]) {
        (ip, ["netns", "exec", namespace(host), executable] + arguments)
    }

    /// Bytes and packets host `host` has sent and received on its veth (link-layer, as the kernel counts).
    func counters(_ host: Int) throws -> (txBytes: Int, txPackets: Int, rxBytes: Int, rxPackets: Int) {
        let text = try run(["-n", namespace(host), "-s", "-j", "link", "show", "dev", interface(host)])
        guard let list = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]],
              let stats = list.first?["stats64"] as? [String: Any],
              let tx = stats["tx"] as? [String: Any], let rx = stats["rx"] as? [String: Any],
              let txBytes = tx["bytes"] as? Int, let txPackets = tx["packets"] as? Int,
              let rxBytes = rx["bytes"] as? Int, let rxPackets = rx["packets"] as? Int
        else { throw BenchError.command("ip -s -j link: unexpected output for host \(host)") }
        return (txBytes, txPackets, rxBytes, rxPackets)
    }

    /// Deletes every namespace made (and with them the links), killing by pid whatever is left in
    /// them. Safe to call twice.
    func teardown() {
        for name in made.reversed() {
            let pids = (try? run(["netns", "pids", name]))?.split(separator: "\n").compactMap { pid_t($0) } ?? []
            for pid in pids where pid > 1 { kill(pid, SIGKILL) }
            _ = try? run(["netns", "delete", name])
        }
        made = []
    }

    private func build() throws {
        for name in [switchNamespace] + (1...hosts).map(namespace) {
            _ = try run(["netns", "add", name])
            made.append(name)
            // Before any link exists, so the new interfaces take it: no IPv6 chatter in the counters.
            _ = try run(["netns", "exec", name, "sh", "-c",
                         "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 && echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6 || true"])
        }
        let bridge = "fbr\(subnet)"
        _ = try run(["-n", switchNamespace, "link", "add", bridge, "type", "bridge", "stp_state", "0", "mcast_snooping", "0"])
        _ = try run(["-n", switchNamespace, "link", "set", bridge, "up"])
        for host in 1...hosts {
            let port = "fsw\(subnet)h\(host)", ns = namespace(host), dev = interface(host)
            _ = try run(["-n", switchNamespace, "link", "add", port, "type", "veth", "peer", "name", dev, "netns", ns])
            _ = try run(["-n", switchNamespace, "link", "set", port, "master", bridge, "up"])
            _ = try run(["-n", ns, "link", "set", "lo", "up"])
            _ = try run(["-n", ns, "addr", "add", "\(address(host))/24", "dev", dev])
            _ = try run(["-n", ns, "link", "set", dev, "up"])
            _ = try run(["-n", ns, "route", "add", "224.0.0.0/4", "dev", dev])
        }
        let deadline = Deadline(seconds: 10, what: "lab links up")
        for host in 1...hosts {
            while !(try run(["-n", namespace(host), "-o", "link", "show", "dev", interface(host)])).contains("state UP") {
                try deadline.check()
                MonotonicClock.pause(milliseconds: 10)
            }
        }
    }

    private func run(_ arguments: [String]) throws -> String {
        try runCommand(ip, arguments, scratch: directory, timeoutSeconds: 10)
    }

    static let ipPath: String? = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Why a lab cannot be made here, in one line; nil where it can. Makes and deletes a namespace
    /// with a bridge; `scratch` takes the commands' output.
    static func unavailableReason(scratch: String) -> String? {
        guard geteuid() == 0 else { return "network namespaces need root (running as uid \(geteuid()))" }
        guard let ip = ipPath else { return "no `ip` command (iproute2)" }
        let name = "\(prefix)-probe-\(getpid())-ns"
        defer { _ = try? runCommand(ip, ["netns", "delete", name], scratch: scratch) }
        do {
            _ = try runCommand(ip, ["netns", "add", name], scratch: scratch)
            _ = try runCommand(ip, ["-n", name, "link", "add", "fprobebr", "type", "bridge"], scratch: scratch)
        } catch {
            return "cannot make a network namespace with a bridge: \(error)"
        }
        return nil
    }

    /// A /24 no live lab uses (tests' labs included), starting from one picked by pid.
    private static func freeSubnet(ip: String, scratch: String) throws -> Int {
        let names = try runCommand(ip, ["netns", "list"], scratch: scratch).split(separator: "\n")
        let used = Set(names.compactMap { line -> Int? in
            let fields = line.split(separator: " ").first?.split(separator: "-") ?? []
            return fields.count == 4 && fields[0] == Substring(prefix) ? Int(fields[1]) : nil
        })
        let start = Int(getpid()) % subnetsCount
        guard let free = (0..<subnetsCount).map({ (start + $0) % subnetsCount }).first(where: { !used.contains($0) }) else {
            throw BenchError.command("every lab subnet of 198.18.0.0/15 is in use")
        }
        return free
    }
}
