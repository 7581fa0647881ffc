import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Hosts on one LAN for the beacon half of scenario 13: each host a network namespace with a veth
/// link to a bridge that lives in a namespace of its own, addressed 198.18.0.(10 + N)/24 (RFC 2544's
/// benchmarking range), with a route for 224.0.0.0/4 so multicast beacons have a way out and the
/// bridge flooding multicast to every port (no snooping). Nothing touches the root namespace, and
/// deleting the namespaces is the whole cleanup. The same layout as the integration tests' NetnsLab,
/// cut down to what the bench needs. Needs root and iproute2; `unavailableReason` says why not.
final class BeaconLab {
    let hosts: Int
    private let prefix: String
    private var made: [String] = []

    /// Namespace names carry the bench's pid, so concurrent runs and test labs never collide.
    init(hosts: Int) throws {
        self.hosts = hosts
        prefix = "ferrybench-\(getpid())"
        do {
            try build()
        } catch {
            remove()
            throw error
        }
    }

    /// Why a lab cannot be made here, or nil when it can (root and an `ip` command).
    static var unavailableReason: String? {
        guard geteuid() == 0 else { return "LAN beacons are measured in network namespaces, which need root" }
        guard ipPath != nil else { return "no `ip` command (install iproute2)" }
        return nil
    }

    func namespace(_ host: Int) -> String { "\(prefix)-h\(host)" }
    func address(_ host: Int) -> String { "198.18.0.\(10 + host)" }

    /// `ip netns exec NS` before a command, to run it on host `host`.
    func exec(_ host: Int) -> [String] { [Self.ipPath ?? "ip", "netns", "exec", namespace(host)] }

    /// Deletes every namespace made (and with them the links). Safe to call twice.
    func remove() {
        for name in made.reversed() { _ = try? Self.ip(["netns", "delete", name]) }
        made = []
    }

    private func build() throws {
        let sw = "\(prefix)-sw"
        for name in [sw] + (1...hosts).map(namespace) {
            try Self.ip(["netns", "add", name])
            made.append(name)
        }
        try Self.ip(["-n", sw, "link", "add", "br0", "type", "bridge", "stp_state", "0", "mcast_snooping", "0"])
        try Self.ip(["-n", sw, "link", "set", "br0", "up"])
        for host in 1...hosts {
            let ns = namespace(host)
            try Self.ip(["-n", sw, "link", "add", "p\(host)", "type", "veth", "peer", "name", "eth0", "netns", ns])
            try Self.ip(["-n", sw, "link", "set", "p\(host)", "master", "br0", "up"])
            try Self.ip(["-n", ns, "link", "set", "lo", "up"])
            try Self.ip(["-n", ns, "addr", "add", "\(address(host))/24", "dev", "eth0"])
            try Self.ip(["-n", ns, "link", "set", "eth0", "up"])
            try Self.ip(["-n", ns, "route", "add", "224.0.0.0/4", "dev", "eth0"])
        }
        let deadline = Deadline(seconds: 10, what: "the beacon lab's links to come up")
        for host in 1...hosts {
            while !(try Self.ip(["-n", namespace(host), "-o", "link", "show", "dev", "eth0"]).contains("state UP")) {
                try deadline.check()
                MonotonicClock.pause(milliseconds: 20)
            }
        }
    }

    static let ipPath: String? = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs `ip` with `arguments` and returns its output; throws with its error line if it fails.
    @discardableResult
    static func ip(_ arguments: [String]) throws -> String {
        guard let ipPath else { throw BenchError.command("no `ip` command (install iproute2)") }
        let scratch = FileManager.default.temporaryDirectory.path
        let out = scratch + "/ferry-bench-ip-\(getpid()).out", err = scratch + "/ferry-bench-ip-\(getpid()).err"
        defer {
            unlink(out)
            unlink(err)
        }
        let child = try ChildProcess.spawn(ipPath, arguments, name: "ip", stdout: out, stderr: err)
        defer { child.stop() }
        let status = try child.waitForExit(Deadline(seconds: 10, what: "ip \(arguments.joined(separator: " "))"))
        guard status == 0 else {
            let message = (try? String(contentsOfFile: err, encoding: .utf8))?.split(separator: "\n").first.map(String.init) ?? ""
            throw BenchError.command("ip \(arguments.joined(separator: " ")) failed: \(message)")
        }
        return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    }
}
