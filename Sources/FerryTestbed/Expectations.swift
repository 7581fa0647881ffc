/// Relay copies held by the nodes at one status round.
struct RelayRound: Equatable {
    var atMs: UInt64
    /// Relay copies per node that answered.
    var relayByNode: [String: Int]
    /// Nodes that were down (or did not answer) then, so not counted.
    var notCounted: [String]
}

/// What the runner knows when it judges the expectations.
struct RunFacts {
    var nowMs: UInt64
    /// True once every planned step has run.
    var timelineDone: Bool
    var messages: [MessageRecord]
    var relayRounds: [RelayRound]
    /// The run is over: nothing more will be delivered, so an undecided expectation gets its verdict.
    var finished: Bool
}

/// An expectation's verdict so far.
enum Verdict: Equatable {
    case pending
    case held(String)
    case failed(String)

    var isDecided: Bool { self != .pending }
}

/// Judges each `Expectation` on what a run saw (docs/TESTBED.md §Expectations). Pure: the same
/// facts give the same verdicts, which is what the unit tests check.
enum Expectations {
    static func describe(_ expectation: Expectation) -> String {
        switch expectation {
        case .allDelivered(let within): return "all delivered within \(TextFormat.duration(within))"
        case .noDuplicates: return "no duplicates"
        case .deliveredBy(let time): return "all delivered by \(TextFormat.moment(time))"
        case .path(let path, let from, let to):
            return "messages sent from \(TextFormat.moment(from)) to \(TextFormat.moment(to)) go by \(path)"
        case .relayCopiesPurged(let time): return "no relay copies left at \(TextFormat.moment(time))"
        }
    }

    static func judge(_ expectation: Expectation, _ facts: RunFacts) -> Verdict {
        switch expectation {
        case .allDelivered(let within): return allDelivered(within: within, facts)
        case .noDuplicates: return noDuplicates(facts)
        case .deliveredBy(let time): return deliveredBy(time, facts)
        case .path(let name, let from, let to): return path(name, from: from, to: to, facts)
        case .relayCopiesPurged(let time): return relayCopiesPurged(by: time, facts)
        }
    }

    /// The final results, every verdict decided.
    static func results(_ expectations: [Expectation], _ facts: RunFacts) -> [ExpectationResult] {
        var final = facts
        final.finished = true
        return expectations.map { expectation in
            switch judge(expectation, final) {
            case .held(let detail): return ExpectationResult(description: describe(expectation), held: true, detail: detail)
            case .failed(let detail): return ExpectationResult(description: describe(expectation), held: false, detail: detail)
            case .pending:
                return ExpectationResult(description: describe(expectation), held: false, detail: "not decided by the end of the run")
            }
        }
    }

    private static func allDelivered(within: UInt64, _ facts: RunFacts) -> Verdict {
        let late = facts.messages.filter { message in
            if let latency = message.latencyMs { return latency > within }
            return facts.finished || facts.nowMs > message.sentMs + within
        }
        if !late.isEmpty {
            return .failed("\(late.count) of \(facts.messages.count) not delivered within \(TextFormat.duration(within)): \(examples(late))")
        }
        guard facts.timelineDone, facts.messages.allSatisfy({ $0.deliveredMs != nil }) else { return .pending }
        let slowest = facts.messages.compactMap(\.latencyMs).max().map { ", slowest \(TextFormat.duration($0))" } ?? ""
        return .held("\(facts.messages.count) of \(facts.messages.count) delivered\(slowest)")
    }

    private static func noDuplicates(_ facts: RunFacts) -> Verdict {
        let doubled = facts.messages.filter { $0.duplicates > 0 }
        if !doubled.isEmpty {
            let extra = doubled.reduce(0) { $0 + $1.duplicates }
            return .failed("\(extra) duplicate\(extra == 1 ? "" : "s") of \(doubled.count) message\(doubled.count == 1 ? "" : "s"): \(examples(doubled))")
        }
        // Another copy can always still come; only the end of the run settles it.
        guard facts.finished else { return .pending }
        let delivered = facts.messages.filter { $0.deliveredMs != nil }.count
        return .held("no message shown twice (\(delivered) delivered)")
    }

    private static func deliveredBy(_ time: UInt64, _ facts: RunFacts) -> Verdict {
        let late = facts.messages.filter { message in
            if let delivered = message.deliveredMs { return delivered > time }
            return facts.finished || facts.nowMs > time
        }
        if !late.isEmpty {
            return .failed("\(late.count) of \(facts.messages.count) not delivered by \(TextFormat.moment(time)): \(examples(late))")
        }
        guard facts.timelineDone, facts.messages.allSatisfy({ $0.deliveredMs != nil }) else { return .pending }
        let last = facts.messages.compactMap(\.deliveredMs).max().map { ", the last at \(TextFormat.moment($0))" } ?? ""
        return .held("\(facts.messages.count) of \(facts.messages.count) delivered\(last)")
    }

    private static func path(_ path: String, from: UInt64, to: UInt64, _ facts: RunFacts) -> Verdict {
        let window = facts.messages.filter { $0.sentMs >= from && $0.sentMs < to }
        let other = window.filter { $0.path != nil && $0.path != path }
        if !other.isEmpty {
            let paths = Dictionary(grouping: other, by: { $0.path ?? "" }).map { "\($0.value.count) by \($0.key)" }.sorted()
            return .failed("\(other.count) of \(window.count) went another way (\(paths.joined(separator: ", "))): \(examples(other))")
        }
        let windowOver = facts.timelineDone || facts.nowMs >= to
        let missing = window.filter { $0.deliveredMs == nil }
        if facts.finished || windowOver && missing.isEmpty {
            if window.isEmpty { return .failed("no message was sent in that window") }
            if !missing.isEmpty { return .failed("\(missing.count) of \(window.count) never delivered: \(examples(missing))") }
            return .held("\(window.count) of \(window.count) by \(path)")
        }
        return .pending
    }

    private static func relayCopiesPurged(by time: UInt64, _ facts: RunFacts) -> Verdict {
        guard let round = facts.relayRounds.first(where: { $0.atMs >= time }) else {
            return facts.finished ? .failed("the run ended before \(TextFormat.moment(time))") : .pending
        }
        let holders = round.relayByNode.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        let skipped = round.notCounted.isEmpty ? "" : " (not counted, down: \(round.notCounted.sorted().joined(separator: ", ")))"
        guard holders.isEmpty else {
            let list = holders.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return .failed("at \(TextFormat.moment(round.atMs)) relay copies were still held: \(list)\(skipped)")
        }
        return .held("0 relay copies at \(TextFormat.moment(round.atMs)) on \(round.relayByNode.count) nodes\(skipped)")
    }

    /// A few messages, for a detail line: `a→b sent 1.2 s (never)`.
    static func examples(_ messages: [MessageRecord]) -> String {
        let shown = messages.prefix(TestbedLimits.detailExamplesMax).map { message -> String in
            let outcome = message.deliveredMs.map { "delivered \(TextFormat.moment($0))" } ?? "never delivered"
            let path = message.path.map { " by \($0)" } ?? ""
            let extra = message.duplicates > 0 ? ", \(message.duplicates + 1) times" : ""
            return "\(message.from)→\(message.to) sent \(TextFormat.moment(message.sentMs)), \(outcome)\(path)\(extra) [\(message.id.prefix(8))]"
        }
        let more = messages.count > shown.count ? "; and \(messages.count - shown.count) more" : ""
        return shown.joined(separator: "; ") + more
    }
}
