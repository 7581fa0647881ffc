import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Removing namespaces: a run's own at its end, and those a runner that died left behind.
extension NetnsHosts {
    /// Deletes the namespaces of testbed runs whose runner is gone (their names carry its PID),
    /// and any carrying this runner's own PID (left by an earlier process that had the same PID:
    /// this run has made none yet). Runs going on at the same time are left alone.
    func sweepStale() throws {
        let own = getpid()
        let stale = try namespaceList().filter { name in
            guard let pid = NetnsNames.runnerPID(of: name) else { return false }
            return pid == own || !NetnsNames.isAlive(pid)
        }
        guard !stale.isEmpty else { return }
        let problems = deleteNamespaces(stale)
        let pids = Set(stale.compactMap(NetnsNames.runnerPID)).sorted().map(String.init).joined(separator: ", ")
        say("removed \(stale.count) network namespace(s) left by testbed runs that are gone (runner pid \(pids))")
        for problem in problems { say("warning: \(problem)") }
    }

    /// Names `ip netns list` shows (lines read "NAME" or "NAME (id: N)").
    func namespaceList() throws -> [String] {
        try ip(["netns", "list"]).lines.compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// SIGKILLs, by PID, what still runs inside `namespaces` (a namespace lives on, nameless, while a
    /// process is in it), then deletes them, which destroys their links and the cables' other ends.
    /// Returns what went wrong, one line each; never throws, so a teardown goes to its end.
    func deleteNamespaces(_ namespaces: [String]) -> [String] {
        guard let ip = tools?.ip, !namespaces.isEmpty else { return [] }
        for pid in Self.processes(inside: namespaces) where pid > 1 && pid != getpid() { kill(pid, SIGKILL) }
        var problems: [String] = []
        let deleted = try? HostCommand.run(ip, ["-force", "-batch", "-"], input: Self.batch(namespaces.map { ["netns", "delete", $0] }))
        if deleted == nil { problems.append("`ip netns delete` did not finish") }
        if let listed = try? HostCommand.run(ip, ["netns", "list"]) {
            let left = Set(listed.lines.compactMap { $0.split(separator: " ").first.map(String.init) }).intersection(namespaces)
            if !left.isEmpty { problems.append("could not remove the network namespaces \(left.sorted().joined(separator: " ")): \(deleted?.reason ?? "")") }
        }
        return problems
    }

    /// PIDs of the processes in any of `namespaces`: those whose /proc/PID/ns/net is the namespace
    /// /run/netns/NAME holds (what `ip netns pids` does, for all namespaces in one pass of /proc).
    static func processes(inside namespaces: [String]) -> [pid_t] {
        var wanted: Set<[UInt64]> = []
        for name in namespaces {
            var info = stat()
            if stat("/run/netns/\(name)", &info) == 0 { wanted.insert([UInt64(info.st_dev), UInt64(info.st_ino)]) }
        }
        guard !wanted.isEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry) else { return nil }
            var info = stat()
            guard stat("/proc/\(entry)/ns/net", &info) == 0, wanted.contains([UInt64(info.st_dev), UInt64(info.st_ino)]) else { return nil }
            return pid
        }
    }
}
