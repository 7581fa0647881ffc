import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Every process on 127.0.0.1, each on a port found free at the start (docs/TESTBED.md §Running
/// a scenario). Links are faulted by each node's fault hook (`FaultHook`): nothing lives in the
/// network, everything in the processes.
final class LoopbackHosts: TestbedHosts {
    let kind = "loopback"
    let notes: [String] = []
    private var ports: [String: UInt16] = [:]

    init() {}

    func prepare(hosts: [String]) throws {
        let found = try Self.freePorts(count: hosts.count)
        for (host, port) in zip(hosts, found) { ports[host] = port }
    }

    func listenEndpoint(of host: String) throws -> String { "127.0.0.1:\(try port(of: host))" }
    func dialEndpoint(of host: String) throws -> String { "127.0.0.1:\(try port(of: host))" }

    func launch(host: String, executable: String, arguments: [String], logPath: String) throws -> TestbedProcess {
        try TestbedProcess(executable: executable, arguments: arguments, logPath: logPath)
    }

    func changeNetwork(between first: LinkEnd, and second: LinkEnd, from old: LinkCondition, to new: LinkCondition) {}

    func changeLink(at end: LinkEnd, peer: LinkEnd, from old: LinkCondition, to new: LinkCondition) throws {
        try FaultHook.apply(at: end, peer: peer, from: old, to: new)
    }

    func tearDown() {}

    private func port(of host: String) throws -> UInt16 {
        guard let port = ports[host] else { throw TestbedError.runner("no port was prepared for \(host)") }
        return port
    }

    /// `count` distinct ports the kernel has just handed out on 127.0.0.1: all bound at once (so
    /// they differ), then released for the processes to take. Another program could take one in
    /// between; the process that then fails to listen is reported with its log.
    static func freePorts(count: Int) throws -> [UInt16] {
        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }
        var ports: [UInt16] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw TestbedError.runner("cannot open a socket to find a free port: \(String(cString: strerror(errno)))") }
            sockets.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                    bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
                }
            }
            guard bound else { throw TestbedError.runner("cannot find a free port on 127.0.0.1: \(String(cString: strerror(errno)))") }
            ports.append(UInt16(bigEndian: address.sin_port))
        }
        return ports
    }
}
