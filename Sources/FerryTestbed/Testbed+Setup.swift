import FerryControl
import FerryCrypto
import FerryNode
import FerryWire
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Before the timeline: the run directory, an identity per process (as `ferry init` makes it),
/// contact books all-to-all by scenario name, command lines, the processes started and linked.
extension Testbed {
    func setUp() throws {
        for gone in RunDirectorySweep.sweep() { view.note("removed \(gone), left by a testbed run that was killed") }
        let directory: String
        do { directory = try PrivateFiles.makeTemporaryDirectory(prefix: "ferry-testbed-\(Self.directoryLabel(scenario.name))-") } catch {
            throw TestbedError.runner("cannot create the run directory: \(error)")
        }
        runDirectory = directory
        do { try RunDirectorySweep.mark(directory) } catch {
            throw TestbedError.runner("cannot write the run directory's marker: \(error); check that \(NSTemporaryDirectory()) is writable and not full")
        }
        view.note("run directory \(directory)")
        members = scenario.coordinators.map { TestbedMember(name: $0.name, role: .coordinator, runDirectory: directory) }
            + scenario.nodes.map { TestbedMember(name: $0.name, role: .node, runDirectory: directory) }
        for member in members { byName[member.name] = member }
        try hosts.prepare(hosts: members.map(\.name))
        try makeIdentities()
        try writeContactBooks()
        try writeArguments()
        // Coordinators first, so that nodes find them up at their first dial.
        try startAll(scenario.coordinators.filter(\.startsRunning).map(\.name))
        try startAll(scenario.nodes.filter(\.startsRunning).map(\.name))
        try awaitLinks()
    }

    /// The scenario's name as the run directory carries it: short (the control sockets' paths
    /// inside are bounded) and only letters, digits and `-`.
    static func directoryLabel(_ name: String) -> String {
        let kept = name.lowercased().unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
        let label = String(String.UnicodeScalarView(kept).prefix(20))
        return label.isEmpty ? "run" : label
    }

    private func makeIdentities() throws {
        let now = Timestamp(milliseconds: UInt64(Date().timeIntervalSince1970 * 1000))
        for member in members {
            do {
                let (identity, record) = try IdentityFiles.create(in: DataDirectory(path: member.dataDir), now: now)
                member.address = identity.address.text
                member.card = ContactCard.encode(record)
            } catch {
                throw TestbedError.runner("cannot create the identity of \(member.name): \(error)")
            }
        }
    }

    /// Every node knows every other node by its scenario name (`contacts.json`, the book
    /// `ferry contacts add` writes), so a `send` names its recipient as the scenario does.
    private func writeContactBooks() throws {
        let nodes = members.filter { $0.role == .node }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        for node in nodes {
            var cards: [String: String] = [:]
            for other in nodes where other !== node { cards[other.name] = other.card }
            do {
                let data = try encoder.encode(cards)
                try PrivateFiles.replace(DataDirectory(path: node.dataDir).contactsPath, with: [UInt8](data), mode: 0o600)
            } catch {
                throw TestbedError.runner("cannot write the contacts of \(node.name): \(error)")
            }
        }
    }

    /// `ferry run --testing` (the fault hook on) for nodes, `ferry coordinator --testing` for
    /// coordinators; peers and coordinators pinned by address (`ADDRESS@HOST:PORT`).
    private func writeArguments() throws {
        func pinned(_ name: String) throws -> String {
            guard let member = byName[name] else { throw TestbedError.runner("no process named \(name)") }
            return "\(member.address)@\(try hosts.dialEndpoint(of: name))"
        }
        for spec in scenario.coordinators {
            guard let member = byName[spec.name] else { continue }
            member.arguments = [
                "coordinator", "--testing", "--data", member.dataDir, "--listen", try hosts.listenEndpoint(of: spec.name),
            ] + (try spec.peers.flatMap { ["--peer", try pinned($0)] })
        }
        for spec in scenario.nodes {
            guard let member = byName[spec.name] else { continue }
            member.arguments = ["run", "--testing", "--data", member.dataDir, "--listen", try hosts.listenEndpoint(of: spec.name)]
                + (scenario.discovery ? ["--discovery"] : ["--no-discovery"])
                + (try spec.peers.flatMap { ["--peer", try pinned($0)] })
                + (try spec.coordinators.flatMap { ["--coordinator", try pinned($0)] })
        }
    }

    /// Starts these processes together, then waits for each to answer.
    private func startAll(_ names: [String]) throws {
        let started = try names.compactMap { byName[$0] }.map { member in
            try launch(member)
            return member
        }
        for member in started { try awaitAnswer(member) }
    }

    /// Starts `member`'s process through a small trampoline (`ferry testbed-child`) that asks the
    /// kernel to SIGKILL it if the runner dies (PR_SET_PDEATHSIG), then becomes the real command:
    /// even a runner killed with SIGKILL leaves no process behind.
    func launch(_ member: TestbedMember) throws {
        let arguments = ["testbed-child", "--parent", "\(getpid())", "--"] + member.arguments
        let process = try hosts.launch(host: member.name, executable: options.executable, arguments: arguments, logPath: member.logPath)
        member.process = process
        view.note("\(member.name) started (pid \(process.pid), \(try hosts.listenEndpoint(of: member.name)))")
    }

    /// Waits until `member` answers `status` (bounded; signals are looked at while waiting).
    func awaitAnswer(_ member: TestbedMember) throws {
        let deadline = RunClock.monotonicNanoseconds() + TestbedLimits.memberStartMillisecondsMax * 1_000_000
        let pollsMax = TestbedLimits.memberStartMillisecondsMax / 10 + 2
        for _ in 0..<pollsMax {
            try SignalWatch.check()
            guard let process = member.process else { break }
            if let end = process.poll() {
                throw TestbedError.runner("\(member.name) exited during its start (\(end)); its log: \(logTail(member))")
            }
            if let reply = try? member.call(ControlRequest(op: "status"), timeoutMilliseconds: 1_000), let status = reply.status {
                member.status = status
                return
            }
            if RunClock.monotonicNanoseconds() >= deadline { break }
            usleep(10_000)
        }
        throw TestbedError.runner(
            "\(member.name) did not answer on its control socket within \(TextFormat.duration(TestbedLimits.memberStartMillisecondsMax)); its log: \(logTail(member))")
    }

    /// The last lines of a process's log, for an error message.
    func logTail(_ member: TestbedMember) -> String {
        let text = (try? String(contentsOfFile: member.logPath, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").suffix(5).joined(separator: " | ")
        return lines.isEmpty ? "(empty) \(member.logPath)" : "\(member.logPath): \(lines)"
    }

    /// Waits (bounded) until every link the scenario declares between running processes is up, so
    /// that the timeline's first sends find the mesh the scenario describes. Not fatal: a warning
    /// line, and the run goes on.
    private func awaitLinks() throws {
        let deadline = RunClock.monotonicNanoseconds() + TestbedLimits.topologyReadyMillisecondsMax * 1_000_000
        var missing: [String] = []
        for _ in 0..<(TestbedLimits.topologyReadyMillisecondsMax / 50 + 2) {
            try SignalWatch.check()
            missing = missingLinks()
            if missing.isEmpty || RunClock.monotonicNanoseconds() >= deadline { break }
            usleep(50_000)
        }
        if !missing.isEmpty {
            view.note("warning: not linked after \(TextFormat.duration(TestbedLimits.topologyReadyMillisecondsMax)): \(missing.joined(separator: ", ")); starting anyway")
        }
    }

    /// Declared links between running processes that are not up yet, as `a–b`.
    private func missingLinks() -> [String] {
        var expected: Set<LinkPair> = []
        for spec in scenario.nodes {
            for peer in spec.peers { expected.insert(LinkPair(spec.name, peer)) }
            for coordinator in spec.coordinators { expected.insert(LinkPair(spec.name, coordinator)) }
        }
        for spec in scenario.coordinators { for peer in spec.peers { expected.insert(LinkPair(spec.name, peer)) } }
        var linked: Set<LinkPair> = []
        for member in members where member.isUp {
            guard let peers = try? member.call(ControlRequest(op: "peers"), timeoutMilliseconds: TestbedLimits.statusCallMillisecondsMax).peers
            else { continue }
            for peer in peers where peer.established && peer.state == "up" {
                if let other = members.first(where: { $0.address == peer.address }) { linked.insert(LinkPair(member.name, other.name)) }
            }
        }
        return expected.filter { pair in
            byName[pair.first]?.isUp == true && byName[pair.second]?.isUp == true && !linked.contains(pair)
        }.sorted().map { "\($0.first)–\($0.second)" }
    }
}
