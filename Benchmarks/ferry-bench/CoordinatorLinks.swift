import FerryControl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The figures of scenario 12.
struct LinksResult: Codable {
    var name: String
    /// Links the holder tried for, and the limits that set it: this process's open files after
    /// raising the soft limit to the hard one (the coordinator raises its own the same way and
    /// inherits the same hard limit), and the local port range (every link is one local port).
    var target: Int
    var openFilesMax: Int
    var localPorts: Int
    var tally: LinkHolder.Tally
    var stopReason: String?
    /// From the first attempt until none is in its handshake.
    var rampSeconds: Double
    var linksPerSecond: Double
    /// Held after the ramp, answering pings, for this long; links up at the end of it, by the
    /// holder's count and by the coordinator's status.
    var holdSeconds: Double
    var held: Int
    var coordinatorLinks: Int
    /// The coordinator's resident memory while idle before the first link, after the ramp, and after
    /// the hold, and its peak (VmHWM) over the run, in KiB.
    var coordinatorRssBeforeKibibytes: Int
    var coordinatorRssAfterRampKibibytes: Int
    var coordinatorRssAfterHoldKibibytes: Int
    var coordinatorPeakRssKibibytes: Int
    /// (RSS after the hold − RSS before) / links held, in bytes.
    var rssPerLinkBytes: Double
    /// The coordinator's CPU per link set up (TLS handshake, hello, admission) over the ramp, and its
    /// share of one core while only holding them.
    var coordinatorCpuPerLinkMs: Double
    var coordinatorHoldCorePercent: Double
    /// This process's resident memory per link held, for the record (identities, TLS contexts).
    var holderRssPerLinkBytes: Double
}

/// Scenario 12: as many links to one coordinator as this machine allows, held idle.
///
/// C runs alone. The holder (LinkHolder) opens links from this process, each with an identity of its
/// own (`NodeIdentity.generate()`), completing TLS and hello, 64 handshakes at a time, then holds
/// them for `holdSeconds`, longer than the 15 s keepalive, so every link answers at least one of C's
/// pings with a pong. C's VmRSS is read before the first link and after the hold.
struct CoordinatorLinks {
    let group: CoordinatorGroup
    let limit: Int?

    /// Longer than the keepalive interval (15 s) a coordinator uses towards plain nodes.
    static let holdSeconds = 20.0
    /// The ramp stops opening after this long; the figures are then what it reached.
    static let rampSecondsMax = 300.0
    /// File descriptors kept free of links in each process: the store, the control socket, the
    /// listener, the loop, the bench's own files.
    static let descriptorsReserved = 256
    /// C is left alone this long after it answers, so its baseline RSS is that of an idle node.
    static let settleMilliseconds = 1000

    func run() throws -> LinksResult {
        let openFiles = Self.raiseOpenFiles()
        let ports = Self.localPortCount()
        let target = limit ?? min(openFiles - Self.descriptorsReserved, ports - Self.descriptorsReserved)
        let deadline = Deadline(seconds: Self.rampSecondsMax + Self.holdSeconds + 120, what: "scenario 12 (links held by one coordinator)")
        // C alone: A and B of the group are never started here.
        try group.coordinator.initialize(ferry: group.ferry, scratch: group.root)
        try group.startCoordinator(deadline)
        let c = group.coordinator.pid
        MonotonicClock.pause(milliseconds: Self.settleMilliseconds)
        let before = try ProcStats.residentKiB(pid: c), holderBefore = try ProcStats.residentKiB(pid: getpid())
        ProcStats.resetPeakResident(pid: c)
        let cpuStart = try ProcStats.cpuMilliseconds(pid: c)

        let holder = try LinkHolder(port: group.port, target: target)
        defer { holder.close() }
        progress("12/18 opening up to \(target) links to C (open files \(openFiles), local ports \(ports))")
        let rampStart = MonotonicClock.nanoseconds()
        let rampBound = Deadline(seconds: Self.rampSecondsMax, what: "the ramp")
        try holder.run(until: {
            if rampBound.passed { holder.stopOpening("the ramp's bound of \(Int(Self.rampSecondsMax)) s passed") }
            return holder.rampDone
        }, deadline)
        let rampSeconds = Double(MonotonicClock.nanoseconds() - rampStart) / 1e9
        let afterRamp = try ProcStats.residentKiB(pid: c), cpuRamp = try ProcStats.cpuMilliseconds(pid: c)
        progress("12/18 \(holder.tally.up) links up after \(String(format: "%.1f", rampSeconds)) s; holding them \(Int(Self.holdSeconds)) s")

        let holdEnd = MonotonicClock.nanoseconds() + UInt64(Self.holdSeconds * 1e9)
        try holder.run(until: { MonotonicClock.nanoseconds() >= holdEnd }, deadline)
        let cpuHold = try ProcStats.cpuMilliseconds(pid: c)
        let after = try ProcStats.residentKiB(pid: c), peak = try ProcStats.peakResidentKiB(pid: c)
        let holderAfter = try ProcStats.residentKiB(pid: getpid())
        let coordinatorLinks = try group.coordinator.status().links
        let tally = holder.tally
        let held = max(tally.up, 1)
        return LinksResult(
            name: "12 links held by one coordinator", target: target, openFilesMax: openFiles, localPorts: ports, tally: tally,
            stopReason: holder.stopReason, rampSeconds: rampSeconds, linksPerSecond: Double(tally.established) / rampSeconds,
            holdSeconds: Self.holdSeconds, held: tally.up, coordinatorLinks: coordinatorLinks, coordinatorRssBeforeKibibytes: before,
            coordinatorRssAfterRampKibibytes: afterRamp, coordinatorRssAfterHoldKibibytes: after, coordinatorPeakRssKibibytes: peak,
            rssPerLinkBytes: Double(after - before) * 1024 / Double(held),
            coordinatorCpuPerLinkMs: (cpuRamp - cpuStart) / Double(max(tally.established, 1)),
            coordinatorHoldCorePercent: (cpuHold - cpuRamp) / (Self.holdSeconds * 1000) * 100,
            holderRssPerLinkBytes: Double(holderAfter - holderBefore) * 1024 / Double(held))
    }

    /// Raises this process's soft limit on open files to the hard one; returns the limit in force.
    static func raiseOpenFiles() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let current = UInt64(limit.rlim_cur)
        return current > UInt64(Int32.max) ? Int(Int32.max) : Int(current)
    }

    /// Ports in net.ipv4.ip_local_port_range (28,232 by default).
    static func localPortCount() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8) else { return 28_232 }
        let bounds = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) }
        guard bounds.count == 2, bounds[1] >= bounds[0] else { return 28_232 }
        return bounds[1] - bounds[0] + 1
    }
}
