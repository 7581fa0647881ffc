import FerryControl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The timeline's steps: sends on the control socket, processes killed, stopped and started by
/// PID, links faulted through the hosts.
extension Testbed {
    /// A process or link event: recorded as a fault, shown, carried out.
    func run(_ event: Event) throws {
        let now = clock.now
        let text = Self.describe(event)
        faults.append(FaultRecord(atMs: now, kind: Self.kind(of: event), description: text))
        lastEventText = "\(text) (\(TextFormat.moment(now)))"
        view.event(text, atMs: now)
        try apply(event)
    }

    private func apply(_ event: Event) throws {
        switch event {
        case .kill(let name): kill(try member(name))
        case .stop(let name): stop(try member(name))
        case .start(let name), .restart(let name):
            let member = try member(name)
            if member.isUp { stop(member) }
            try start(member)
        case .cut, .heal, .split, .join, .impair, .clear:
            for change in linkFaults.apply(event) { try applyAtRunningEnds(change) }
        case .send, .rate: break
        }
    }

    private func member(_ name: String) throws -> TestbedMember {
        guard let member = byName[name] else { throw TestbedError.runner("no process named \(name)") }
        return member
    }

    // MARK: Processes

    /// SIGKILL by PID: a crash.
    func kill(_ member: TestbedMember) {
        member.sampleMemory()
        member.process?.killNow()
        // What the node wrote before it died is still in the socket: read it before closing.
        drainInbox(of: member)
        member.processEnded()
    }

    /// SIGTERM by PID, SIGKILL if it has not exited within the grace period: a clean leave.
    func stop(_ member: TestbedMember) {
        member.sampleMemory()
        member.process?.terminate(graceMilliseconds: TestbedLimits.stopGraceMillisecondsMax)
        drainInbox(of: member)
        member.processEnded()
    }

    /// Starts the process with the arguments of its first start, waits for it to answer, and tells
    /// it again the faults on its links (a new process starts with none).
    func start(_ member: TestbedMember) throws {
        try launch(member)
        try awaitAnswer(member)
        for (pair, condition) in linkFaults.faulted(involving: member.name) {
            guard let peer = byName[pair.other(than: member.name)] else { continue }
            try hosts.changeLink(at: member.linkEnd, peer: peer.linkEnd, from: .intact, to: condition)
        }
        reconnectFollowers()
    }

    // MARK: Links

    /// A link's new condition: in the network between its ends (kept whatever runs), then at each
    /// of its ends that is running (one that is down gets its part when it starts).
    private func applyAtRunningEnds(_ change: LinkChange) throws {
        guard let first = byName[change.pair.first], let second = byName[change.pair.second] else { return }
        try hosts.changeNetwork(between: first.linkEnd, and: second.linkEnd, from: change.old, to: change.new)
        for (end, peer) in [(first, second), (second, first)] where end.isUp {
            try hosts.changeLink(at: end.linkEnd, peer: peer.linkEnd, from: change.old, to: change.new)
        }
    }

    // MARK: Words

    static func kind(of event: Event) -> String {
        switch event {
        case .send: return "send"
        case .rate: return "rate"
        case .kill: return "kill"
        case .restart: return "restart"
        case .stop: return "stop"
        case .start: return "start"
        case .cut: return "cut"
        case .heal: return "heal"
        case .split: return "split"
        case .join: return "join"
        case .impair: return "impair"
        case .clear: return "clear"
        }
    }

    static func describe(_ event: Event) -> String {
        switch event {
        case .send(let from, let to, let count, _): return "send \(count) \(from)→\(to)"
        case .rate(let from, let to, let perSecond, let duration, _):
            return "send \(from)→\(to) at \(Self.number(perSecond))/s for \(TextFormat.duration(duration))"
        case .kill(let name): return "kill \(name)"
        case .restart(let name): return "restart \(name)"
        case .stop(let name): return "stop \(name)"
        case .start(let name): return "start \(name)"
        case .cut(let a, let b): return "cut \(a)–\(b)"
        case .heal(let a, let b): return "heal \(a)–\(b)"
        case .split(let parts): return "split " + parts.map { "[\($0.joined(separator: " "))]" }.joined(separator: " | ")
        case .join: return "join"
        case .impair(let a, let b, let loss, let delay):
            return "impair \(a)–\(b): \(Self.number(loss)) % loss, \(TextFormat.duration(delay)) delay"
        case .clear(let a, let b): return "clear \(a)–\(b)"
        }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
