#if canImport(Glibc)
import Glibc
#endif

/// What one `--hosts netns` run names and numbers (docs/TESTBED.md §Hosts in network namespaces).
///
/// Namespaces carry the runner's PID, so two runs at once never collide and a run can tell a
/// namespace left by a runner that died (its PID gone) from one in use: the switch is
/// `ferrytb-PID`, the process `NAME` lives in `ferrytb-PID-NAME`. Interfaces need no unique names:
/// each lives in a namespace of the run only (`br0` and the ports `pN` in the switch, `eth0` in each
/// host). Addresses: host N (from 1, in the order of the scenario, coordinators first) is
/// 198.(18 + S / 256).(S % 256).(10 + N)/24, S = PID mod 512, one /24 of 198.18.0.0/15 (RFC 2544's
/// benchmarking range, never routed); every process listens on port 7000 of its own address.
struct NetnsNames: Equatable {
    static let prefix = "ferrytb"
    /// The /24s of 198.18.0.0/15.
    static let subnetsCount = 512
    /// Hosts of one run: .11 … .254 of its /24 (a scenario has at most 64 processes).
    static let hostsMax = 244
    static let addressPrefixBits = 24
    static let port = 7000
    static let bridge = "br0"
    static let hostInterface = "eth0"

    let pid: pid_t

    var subnet: Int { Int(pid) % Self.subnetsCount }
    var switchNamespace: String { "\(Self.prefix)-\(pid)" }
    func hostNamespace(_ name: String) -> String { "\(Self.prefix)-\(pid)-\(name)" }
    /// The switch's end of host N's cable.
    func switchPort(_ number: Int) -> String { "p\(number)" }
    /// 198.(18 + S / 256).(S % 256).(10 + N)
    func address(_ number: Int) -> String { "198.\(18 + subnet / 256).\(subnet % 256).\(10 + number)" }

    /// The runner PID in a namespace name of a testbed run (`ferrytb-PID` or `ferrytb-PID-NAME`),
    /// or nil for any other name.
    static func runnerPID(of namespace: String) -> pid_t? {
        guard namespace.hasPrefix(prefix + "-") else { return nil }
        let rest = namespace.dropFirst(prefix.count + 1)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 10, rest.count == digits.count || rest.dropFirst(digits.count).first == "-",
            let pid = pid_t(digits), pid > 0
        else { return nil }
        return pid
    }

    /// True while process `pid` exists. A PID taken since by another process keeps a dead run's
    /// namespaces until that process ends too: cheap, and never deletes a live run's.
    static func isAlive(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
