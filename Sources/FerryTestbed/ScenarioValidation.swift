/// Checks that a timeline can be run as written, by walking it in time order with what is up, what
/// is cut and what is impaired: a sender is up while it sends, only a running process is killed or
/// stopped and only a stopped one started, only a cut link is healed, every time falls before the
/// deadline, the traffic stays under `ScenarioLimits.messagesMax`, and every expectation can be
/// judged within the run. A scenario that passes this is one the runner can execute step by step.
struct ScenarioValidation {
    let reader: ScenarioReader
    let topology: ScenarioTopology
    let discovery: Bool
    let deadlineMilliseconds: UInt64

    /// A link, whichever way it is written.
    private struct Link: Hashable {
        let a: String
        let b: String
        init(_ x: String, _ y: String) { (a, b) = x < y ? (x, y) : (y, x) }
    }

    /// The last time a process went up or down, for "… since the kill at 5s (line 12)".
    private struct Change {
        let word: String
        let at: UInt64
        let line: Int
    }

    private struct Rate {
        let from: String
        let start: UInt64
        let end: UInt64
        let line: Int
    }

    private struct State {
        var running: [String: Bool] = [:]
        var changes: [String: Change] = [:]
        var rates: [Rate] = []
        var cuts: [Link: Int] = [:]
        var splitLine: Int?
        var impaired: [Link: Int] = [:]
        var messages = 0
        /// When the last message is sent (a rate's end, to be safe).
        var lastSendMilliseconds: UInt64 = 0
        /// [start, end) of each send (a point) and each rate, for `path` windows.
        var traffic: [(start: UInt64, end: UInt64)] = []
    }

    func check(_ events: [TimedEvent], _ expectations: [ScenarioExpectationEntry]) throws(ScenarioError) {
        var state = State()
        for spec in topology.coordinators { state.running[spec.name] = spec.startsRunning }
        for spec in topology.nodes { state.running[spec.name] = spec.startsRunning }
        for event in events {
            guard event.atMilliseconds < deadlineMilliseconds else {
                throw reader.fail(line: event.line, "this entry is at \(time(event.atMilliseconds)), not before the deadline (\(time(deadlineMilliseconds))); move it or raise 'deadline'")
            }
            try apply(event, to: &state)
        }
        for name in topology.lines.keys.sorted() where !topology.startsRunning(name) && state.changes[name] == nil {
            throw reader.fail(line: topology.lines[name] ?? 0, "'\(name)' has 'start: later' but no start event starts it; add '- at: …' with 'start: \(name)', or remove 'start: later'")
        }
        try check(expectations, state)
    }

    private func apply(_ timed: TimedEvent, to state: inout State) throws(ScenarioError) {
        let at = timed.atMilliseconds, line = timed.line
        switch timed.event {
        case .send(let from, _, let count, _):
            try requireRunning(from, "send from", timed, state)
            try countMessages(count, timed, &state)
            state.traffic.append((at, at + 1))
            state.lastSendMilliseconds = max(state.lastSendMilliseconds, at)
        case .rate(let from, _, let perSecond, let duration, _):
            try requireRunning(from, "rate from", timed, state)
            guard at + duration <= deadlineMilliseconds else {
                throw reader.fail(line: line, "this rate runs until \(time(at + duration)), past the deadline (\(time(deadlineMilliseconds))); shorten 'for' or raise 'deadline'")
            }
            try countMessages(ScenarioMessages.count(perSecond: perSecond, forMilliseconds: duration), timed, &state)
            state.rates.append(Rate(from: from, start: at, end: at + duration, line: line))
            state.traffic.append((at, at + duration))
            state.lastSendMilliseconds = max(state.lastSendMilliseconds, at + duration)
        case .kill(let name): try takeDown(name, "kill", timed, &state)
        case .stop(let name): try takeDown(name, "stop", timed, &state)
        case .restart(let name): try bringUp(name, "restart", timed, &state)
        case .start(let name): try bringUp(name, "start", timed, &state)
        case .cut(let a, let b):
            try requireLink(a, b, "cut", line)
            if let cutLine = state.cuts[Link(a, b)] { throw reader.fail(line: line, "the link \(a)–\(b) is already cut (line \(cutLine)); heal it first") }
            state.cuts[Link(a, b)] = line
        case .heal(let a, let b):
            guard state.cuts.removeValue(forKey: Link(a, b)) != nil else {
                throw reader.fail(line: line, "heal names the link \(a)–\(b), which is not cut then\(state.splitLine != nil ? " ('join' ends a split)" : "")")
            }
        case .split:
            if let splitLine = state.splitLine { throw reader.fail(line: line, "a split is already in force (line \(splitLine)); 'join' it first") }
            state.splitLine = line
        case .join:
            guard state.splitLine != nil else { throw reader.fail(line: line, "'join' ends a split, and no split is in force") }
            state.splitLine = nil
        case .impair(let a, let b, _, _):
            try requireLink(a, b, "impair", line)
            state.impaired[Link(a, b)] = line
        case .clear(let a, let b):
            guard state.impaired.removeValue(forKey: Link(a, b)) != nil else {
                throw reader.fail(line: line, "clear names the link \(a)–\(b), which is not impaired then")
            }
        }
    }

    // MARK: Processes

    private func requireRunning(_ name: String, _ what: String, _ timed: TimedEvent, _ state: State) throws(ScenarioError) {
        guard state.running[name] != true else { return }
        throw reader.fail(line: timed.line, "\(what) '\(name)' at \(time(timed.atMilliseconds)), but '\(name)' is not running then (\(downReason(name, state))); a sender must be up")
    }

    private func takeDown(_ name: String, _ word: String, _ timed: TimedEvent, _ state: inout State) throws(ScenarioError) {
        guard state.running[name] == true else {
            throw reader.fail(line: timed.line, "\(word) names '\(name)', which is not running at \(time(timed.atMilliseconds)) (\(downReason(name, state)))")
        }
        if let rate = state.rates.first(where: { $0.from == name && $0.start <= timed.atMilliseconds && timed.atMilliseconds < $0.end }) {
            throw reader.fail(line: timed.line, "\(word) of '\(name)' at \(time(timed.atMilliseconds)) falls inside its rate on line \(rate.line) (\(time(rate.start))–\(time(rate.end))); a sender must stay up while it sends")
        }
        state.running[name] = false
        state.changes[name] = Change(word: word, at: timed.atMilliseconds, line: timed.line)
    }

    private func bringUp(_ name: String, _ word: String, _ timed: TimedEvent, _ state: inout State) throws(ScenarioError) {
        guard state.running[name] != true else {
            let since = state.changes[name].map { "since the \($0.word) at \(time($0.at)), line \($0.line)" } ?? "since 0s"
            throw reader.fail(line: timed.line, "\(word) names '\(name)', which is already running at \(time(timed.atMilliseconds)) (\(since)); kill or stop it first")
        }
        state.running[name] = true
        state.changes[name] = Change(word: word, at: timed.atMilliseconds, line: timed.line)
    }

    private func downReason(_ name: String, _ state: State) -> String {
        guard let change = state.changes[name] else { return "it has 'start: later'" }
        return "\(change.word == "kill" ? "killed" : "stopped") at \(time(change.at)), line \(change.line)"
    }

    private func countMessages(_ count: Int, _ timed: TimedEvent, _ state: inout State) throws(ScenarioError) {
        state.messages += count
        guard state.messages <= ScenarioLimits.messagesMax else {
            throw reader.fail(line: timed.line, "the timeline sends more than \(ScenarioLimits.messagesMax) messages by this entry; send fewer")
        }
    }

    // MARK: Links

    /// Without discovery a process links only to whom it or the other lists; a fault on any other
    /// pair would do nothing, which is a mistake worth naming.
    private func requireLink(_ a: String, _ b: String, _ word: String, _ line: Int) throws(ScenarioError) {
        guard !discovery, !topology.configuredLink(a, b) else { return }
        throw reader.fail(line: line, "\(word) names \(a)–\(b), but they never link: neither lists the other in peers or coordinators (and discovery is off)")
    }

    // MARK: Expectations

    private func check(_ expectations: [ScenarioExpectationEntry], _ state: State) throws(ScenarioError) {
        if let first = expectations.first, state.messages == 0 {
            throw reader.fail(line: first.line, "the timeline sends no messages, so no expectation can be judged; add a send or a rate")
        }
        let last = state.lastSendMilliseconds
        for entry in expectations {
            switch entry.expectation {
            case .allDelivered(let within):
                guard entry.untimed || last + within <= deadlineMilliseconds else {
                    throw reader.fail(line: entry.line, "the last message is sent at \(time(last)), so 'within: \(time(within))' needs the run to last until \(time(last + within)), past the deadline (\(time(deadlineMilliseconds))); raise 'deadline'")
                }
            case .noDuplicates: break
            case .deliveredBy(let by):
                try requireBeforeDeadline(by, "delivered_by", entry.line)
                guard by > last else {
                    throw reader.fail(line: entry.line, "delivered_by \(time(by)) is not after the last message is sent (\(time(last))); make it later")
                }
            case .path(let via, let from, let to):
                try requireBeforeDeadline(to, "sent_to", entry.line)
                if via == "coordinator" && topology.coordinators.isEmpty {
                    throw reader.fail(line: entry.line, "'path' via coordinator needs a coordinator, and the scenario has none")
                }
                guard state.traffic.contains(where: { $0.start < to && from < $0.end }) else {
                    throw reader.fail(line: entry.line, "no message is sent between \(time(from)) and \(time(to)), so this 'path' would hold without checking anything")
                }
            case .relayCopiesPurged(let by): try requireBeforeDeadline(by, "relay_copies_purged_by", entry.line)
            }
        }
    }

    private func requireBeforeDeadline(_ milliseconds: UInt64, _ what: String, _ line: Int) throws(ScenarioError) {
        guard milliseconds <= deadlineMilliseconds else {
            throw reader.fail(line: line, "\(what) \(time(milliseconds)) is after the deadline (\(time(deadlineMilliseconds))); the run ends then")
        }
    }

    private func time(_ milliseconds: UInt64) -> String { ScenarioDurations.text(milliseconds) }
}
