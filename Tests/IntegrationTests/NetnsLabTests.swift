import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The network-namespace lab itself: it comes up, hosts reach each other by TCP, IPv4 multicast
/// and IPv6 link-local multicast from one host reach all the others, cuts and heals work, and
/// nothing is left behind. Root only (skipped elsewhere, with the reason).
final class NetnsLabTests: NetnsLabTestCase {
    static let tcpPort = 7070
    static let groupV4 = "239.255.70.77"
    /// Link-local scope, so it stays on the host's link as discovery beacons will.
    static let groupV6 = "ff02::7077"
    static let multicastPort = 7077
    static let stepSecondsMax: TimeInterval = 15

    func testLabComesUpWithFourHosts() throws {
        let lab = try makeLab(hosts: 4)
        print("4-host lab \(lab.naming.runID) up in \(String(format: "%.3f", lab.setupSeconds)) s")
        let listed = Set(try NetnsTool.namespaces())
        XCTAssertTrue(listed.isSuperset(of: lab.allNamespaces), "every namespace is listed: \(listed.sorted())")
        for host in lab.hostNumbers {
            let ns = lab.namespace(of: host)
            let address = lab.address(of: host)
            XCTAssertTrue(address.hasPrefix("198.18.") || address.hasPrefix("198.19."), "\(address) is in 198.18.0.0/15")
            XCTAssertTrue(address.hasSuffix(".\(10 + host)"))
            XCTAssertLessThanOrEqual(lab.interface(of: host).count, NetnsLimits.interfaceNameCharactersMax)
            let v4 = try NetnsTool.ip(["-n", ns, "-o", "-4", "addr", "show", "dev", lab.interface(of: host)])
            XCTAssertTrue(v4.stdout.contains("inet \(address)/24"), "host \(host): \(v4.stdout)")
            let route = try NetnsTool.ip(["-n", ns, "route", "show", "224.0.0.0/4"])
            XCTAssertTrue(route.stdout.contains("dev \(lab.interface(of: host))"), "host \(host) multicast route: \(route.stdout)")
            let lo = try NetnsTool.ip(["-n", ns, "-o", "link", "show", "dev", "lo"])
            XCTAssertTrue(lo.stdout.contains(",UP"), "host \(host) lo is up: \(lo.stdout)")
            XCTAssertTrue(try lab.isReady(host), "host \(host) has carrier and a usable link-local address")
            if lab.hasIPv6 { XCTAssertTrue(try lab.linkLocalAddress(of: host).hasPrefix("fe80:")) }
        }
        let ports = try NetnsTool.ip(["-n", lab.switchNamespace, "-o", "link", "show", "master", lab.bridgeName])
        XCTAssertEqual(ports.lines.count, 4, "four ports on the bridge: \(ports.stdout)")
        let bridge = try NetnsTool.ip(["-n", lab.switchNamespace, "-d", "link", "show", "dev", lab.bridgeName])
        XCTAssertTrue(bridge.stdout.contains("mcast_snooping 0"), "the bridge floods multicast: \(bridge.stdout)")
        XCTAssertTrue(Set(try NetnsTool.rootLinks()).isDisjoint(with: linkNames(of: lab)), "no lab link in the root namespace")
    }

    func testEveryHostReachesEveryOtherByTCP() throws {
        let python = try NetnsProbe.python3()
        let lab = try makeLab(hosts: 4)
        let started = Date()
        let servers = try lab.hostNumbers.map { host in
            try lab.run(host: host, executable: python, arguments: NetnsProbe.arguments(
                "serve", [lab.address(of: host), String(Self.tcpPort), String(lab.hosts - 1)]), label: "serve")
        }
        for server in servers { try server.waitForLine("ready", seconds: Self.stepSecondsMax) }
        let clients = try lab.hostNumbers.map { host in
            let targets = lab.hostNumbers.filter { $0 != host }.map { "\(lab.address(of: $0)):\(Self.tcpPort)" }
            return try lab.run(host: host, executable: python, arguments: NetnsProbe.arguments("connect", targets), label: "connect")
        }
        for client in clients {
            XCTAssertEqual(try client.wait(seconds: Self.stepSecondsMax), .exited(0), "host \(client.host): \(client.stdout) \(client.stderr)")
            for other in lab.hostNumbers where other != client.host {
                let greeting = "ok \(lab.address(of: other)):\(Self.tcpPort) hello from \(lab.address(of: other)) to \(lab.address(of: client.host))"
                XCTAssertTrue(client.stdoutLines.contains(greeting), "host \(client.host) reached host \(other): \(client.stdout)")
            }
        }
        for server in servers { XCTAssertEqual(try server.wait(seconds: Self.stepSecondsMax), .exited(0), server.stderr) }
        print("12 TCP connections across the lab in \(String(format: "%.3f", Date().timeIntervalSince(started))) s")
    }

    func testIPv4MulticastFromHostOneReachesTheOthers() throws {
        let python = try NetnsProbe.python3()
        let lab = try makeLab(hosts: 4)
        let started = Date()
        let received = try multicast(in: lab, python: python, receive: "mrecv4", send: "msend4") { _ in
            [Self.groupV4, String(Self.multicastPort)]
        }
        for (host, line) in received {
            XCTAssertEqual(line, "got \(lab.address(of: 1)) beacon-from-h1", "host \(host) got host 1's datagram through the bridge")
        }
        print("IPv4 multicast from host 1 reached hosts 2-4 in \(String(format: "%.3f", Date().timeIntervalSince(started))) s")
    }

    func testIPv6LinkLocalMulticastFromHostOneReachesTheOthers() throws {
        let python = try NetnsProbe.python3()
        let lab = try makeLab(hosts: 4)
        guard lab.hasIPv6 else { throw XCTSkip("this kernel has no IPv6") }
        let started = Date()
        let received = try multicast(in: lab, python: python, receive: "mrecv6", send: "msend6") { host in
            [Self.groupV6, String(Self.multicastPort), lab.interface(of: host)]
        }
        let source = try lab.linkLocalAddress(of: 1)
        for (host, line) in received {
            XCTAssertEqual(line, "got \(source) beacon-from-h1", "host \(host) got host 1's datagram from its link-local address")
        }
        print("IPv6 link-local multicast from host 1 reached hosts 2-4 in \(String(format: "%.3f", Date().timeIntervalSince(started))) s")
    }

    /// Receivers in hosts 2…N join and say `ready`; then host 1 sends one datagram. Returns each
    /// receiver's line about what it got.
    private func multicast(
        in lab: NetnsLab, python: String, receive: String, send: String, _ groupArguments: (Int) -> [String]
    ) throws -> [(Int, String)] {
        let receivers = try lab.hostNumbers.dropFirst().map { host in
            try lab.run(host: host, executable: python, arguments: NetnsProbe.arguments(receive, groupArguments(host)), label: receive)
        }
        for receiver in receivers { try receiver.waitForLine("ready", seconds: Self.stepSecondsMax) }
        let sender = try lab.run(host: 1, executable: python, arguments: NetnsProbe.arguments(send, groupArguments(1) + ["beacon-from-h1"]), label: send)
        XCTAssertEqual(try sender.wait(seconds: Self.stepSecondsMax), .exited(0), sender.stderr)
        return try receivers.map { receiver in
            XCTAssertEqual(try receiver.wait(seconds: Self.stepSecondsMax), .exited(0), "host \(receiver.host): \(receiver.stderr)")
            return (receiver.host, receiver.stdoutLines.last ?? "")
        }
    }

    func linkNames(of lab: NetnsLab) -> Set<String> {
        Set([lab.bridgeName] + lab.hostNumbers.flatMap { [lab.switchPort(of: $0), lab.interface(of: $0)] })
    }
}

/// Teardown, the stale sweep, cuts and impairments.
extension NetnsLabTests {
    func testTeardownLeavesNothingAndASecondLabWorks() throws {
        let first = try NetnsLab(hosts: 3)
        addTeardownBlock { _ = try? first.teardown() }
        let namespaces = first.allNamespaces
        let links = linkNames(of: first)
        let started = Date()
        XCTAssertEqual(try first.teardown(), [], "teardown met no problem")
        print("3-host lab torn down in \(String(format: "%.3f", Date().timeIntervalSince(started))) s")
        XCTAssertTrue(Set(try NetnsTool.namespaces()).isDisjoint(with: namespaces), "no namespace of the lab is listed")
        XCTAssertTrue(Set(try NetnsTool.rootLinks()).isDisjoint(with: links), "no link of the lab in the root namespace")
        XCTAssertFalse(FileManager.default.fileExists(atPath: first.directory), "the lab's directory is gone")
        XCTAssertEqual(try first.teardown(), [], "a second teardown does nothing")

        let second = try makeLab(hosts: 2)
        try assertTCP(in: second, from: 1, to: 2)
    }

    /// A crashed run (its pid gone) left a switch, a host with a veth into it and a process
    /// running inside: the sweep kills that process by pid and deletes both namespaces. It leaves
    /// a live run's namespace and another prefix's namespace alone.
    func testSweepRemovesOnlyLabsOfDeadRuns() throws {
        let gone = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "exit 0"], stdinPath: nil, stdoutPath: "/dev/null", stderrPath: "/dev/null")
        XCTAssertEqual(gone.wait(seconds: Self.stepSecondsMax), .exited(0))
        let dead = NetnsNaming(prefix: NetnsLab.defaultPrefix, subnet: 511, pid: gone.pid)
        let live = "\(NetnsLab.defaultPrefix)-sweeptest-\(getpid())-h1"
        let foreign = "\(NetnsLab.defaultPrefix)x-sweeptest-\(gone.pid)-h1"
        let made = [dead.switchNamespace, dead.hostNamespace(1), live, foreign]
        addTeardownBlock { for name in made { _ = try? NetnsTool.deleteNamespace(name) } }
        for name in made { try NetnsTool.ip(["netns", "add", name]) }
        try NetnsTool.ip(["-n", dead.switchNamespace, "link", "add", dead.switchPort(1), "type", "veth", "peer", "name", dead.hostInterface(1), "netns", dead.hostNamespace(1)])
        let orphan = try ChildProcess(
            executable: try NetnsTool.ip(), arguments: ["netns", "exec", dead.hostNamespace(1), "/bin/sh", "-c", "exec sleep 60"],
            stdinPath: nil, stdoutPath: "/dev/null", stderrPath: "/dev/null")
        defer { orphan.killNow() }
        try waitUntil("the orphan runs inside \(dead.hostNamespace(1))", seconds: Self.stepSecondsMax) {
            try NetnsTool.pids(in: dead.hostNamespace(1)).contains(orphan.pid)
        }

        let swept = try NetnsLab.sweepStale()
        XCTAssertEqual(Set(swept).intersection(made), [dead.switchNamespace, dead.hostNamespace(1)])
        let listed = Set(try NetnsTool.namespaces())
        XCTAssertFalse(listed.contains(dead.switchNamespace) || listed.contains(dead.hostNamespace(1)), "the dead run's namespaces are gone")
        XCTAssertTrue(listed.contains(live), "a live run's namespace stays")
        XCTAssertTrue(listed.contains(foreign), "another prefix's namespace stays")
        XCTAssertEqual(orphan.wait(seconds: Self.stepSecondsMax), .signalled(SIGKILL), "the process left inside was killed by pid")
    }

    func testCutAndHealAHost() throws {
        let lab = try makeLab(hosts: 3)
        var started = Date()
        try lab.cut(host: 2)
        let cutSeconds = Date().timeIntervalSince(started)
        let python = try NetnsProbe.python3()
        let target = "\(lab.address(of: 2)):\(Self.tcpPort)"
        // The one wait for something not to happen: a connect timeout of 1 s.
        let refused = try lab.run(host: 1, executable: python, arguments: NetnsProbe.arguments("connect", [target], timeoutSeconds: 1))
        XCTAssertEqual(try refused.wait(seconds: Self.stepSecondsMax), .exited(1), "host 2 is unreachable while cut: \(refused.stdout)")
        try assertTCP(in: lab, from: 1, to: 3)
        started = Date()
        try lab.heal(host: 2)
        let healSeconds = Date().timeIntervalSince(started)
        started = Date()
        try assertTCP(in: lab, from: 1, to: 2)
        print(String(format: "cut took %.3f s, heal %.3f s, first TCP exchange after heal %.3f s", cutSeconds, healSeconds, Date().timeIntervalSince(started)))
    }

    func testImpairAddsNetemOrSaysWhyNot() throws {
        let lab = try makeLab(hosts: 2)
        do {
            try lab.impair(host: 1, delayMilliseconds: 50, lossPercent: 1)
        } catch let unavailable as NetnsLab.Unavailable {
            throw XCTSkip("tc netem: \(unavailable)")
        }
        let shown = try NetnsTool.run(try XCTUnwrap(NetnsTool.tcPath), ["-n", lab.namespace(of: 1), "qdisc", "show", "dev", lab.interface(of: 1)])
        XCTAssertTrue(shown.stdout.contains("netem") && shown.stdout.contains("delay 50ms"), shown.stdout)
        try lab.clearImpairment(host: 1)
        try assertTCP(in: lab, from: 1, to: 2)
    }

    /// A greeter in `to`, a client in `from`: the greeting arrives.
    func assertTCP(in lab: NetnsLab, from: Int, to: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let python = try NetnsProbe.python3()
        let server = try lab.run(host: to, executable: python, arguments: NetnsProbe.arguments("serve", [lab.address(of: to), String(Self.tcpPort), "1"]))
        try server.waitForLine("ready", seconds: Self.stepSecondsMax)
        let client = try lab.run(host: from, executable: python, arguments: NetnsProbe.arguments("connect", ["\(lab.address(of: to)):\(Self.tcpPort)"]))
        XCTAssertEqual(try client.wait(seconds: Self.stepSecondsMax), .exited(0), "host \(from) to host \(to): \(client.stdout)", file: file, line: line)
        XCTAssertEqual(try server.wait(seconds: Self.stepSecondsMax), .exited(0), server.stderr, file: file, line: line)
    }
}
