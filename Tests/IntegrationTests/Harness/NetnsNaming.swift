import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a lab names what it makes, and how a sweep recognises a lab's namespaces by name alone.
///
/// Namespaces: `<prefix>-<subnet>-<pid>-<role>`, role `sw` (the switch) or `hN` (host N), where
/// `pid` is the process that made the lab (a sweep deletes a lab only once that process is gone)
/// and `subnet` is the lab's /24 in 198.18.0.0/15. Links live only inside those namespaces, so
/// their names need only be short (≤ 15 characters) and tell the lab apart in a capture or a log:
/// bridge `fbr<subnet>`, switch port `fsw<subnet>h<N>`, host end `fnet<subnet>h<N>`.
struct NetnsNaming: Equatable {
    let prefix: String
    /// Index of the lab's /24 in 198.18.0.0/15, 0..<512.
    let subnet: Int
    let pid: pid_t

    /// The run id in namespace names: `<subnet>-<pid>`.
    var runID: String { "\(subnet)-\(pid)" }
    var switchNamespace: String { "\(prefix)-\(runID)-sw" }
    func hostNamespace(_ host: Int) -> String { "\(prefix)-\(runID)-h\(host)" }
    var bridge: String { "fbr\(subnet)" }
    func switchPort(_ host: Int) -> String { "fsw\(subnet)h\(host)" }
    func hostInterface(_ host: Int) -> String { "fnet\(subnet)h\(host)" }

    /// 198.(18 + subnet / 256).(subnet % 256).(10 + host)
    func address(_ host: Int) -> String { "198.\(18 + subnet / 256).\(subnet % 256).\(10 + host)" }
    static let addressPrefixBits = 24

    /// A prefix is lowercase letters and digits: it must not contain the `-` that separates fields.
    static func isValidPrefix(_ prefix: String) -> Bool {
        !prefix.isEmpty && prefix.count <= NetnsLimits.prefixCharactersMax
            && prefix.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    /// The (tag, pid) of a namespace named `<prefix>-<tag>-<pid>-<role>`, or nil for any other name.
    /// Labs use the subnet as tag; the availability probe uses `probe`.
    static func parse(_ name: String, prefix: String) -> (tag: String, pid: pid_t)? {
        guard name.hasPrefix(prefix + "-") else { return nil }
        let fields = name.dropFirst(prefix.count + 1).split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, !fields[0].isEmpty, !fields[2].isEmpty, let pid = pid_t(fields[1]), pid > 0 else { return nil }
        return (String(fields[0]), pid)
    }

    /// True while process `pid` exists. A pid reused by an unrelated process keeps a stale lab
    /// until that process ends too: cheap, and never deletes a live lab.
    static func isAlive(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
