/// A scenario's timeline as the runner executes it: every event at its time, with `send` bursts
/// kept whole and `rate`s expanded into one message each (docs/TESTBED.md §Running a scenario).
struct Timeline: Equatable {
    /// In the order they run: by time, ties in file order (a rate's messages after the events
    /// written before it at the same time).
    var steps: [PlannedStep]

    /// When the last step runs (0 for an empty timeline).
    var lastStepMilliseconds: UInt64 { steps.last?.atMilliseconds ?? 0 }

    /// Messages the timeline sends in all.
    var messageCount: Int {
        steps.reduce(0) { total, step in
            if case .send(_, _, let count, _) = step.action { return total + count }
            return total
        }
    }

    /// Plans `scenario`'s timeline; `seed` places each `rate` message in its slot.
    static func plan(_ scenario: Scenario, seed: UInt64) -> Timeline {
        var random = SeededRandom(seed: seed)
        var steps: [PlannedStep] = []
        for (index, timed) in scenario.timeline.enumerated() {
            switch timed.event {
            case .send(let from, let to, let count, let bytes):
                steps.append(PlannedStep(
                    atMilliseconds: timed.atMilliseconds, action: .send(from: from, to: to, count: count, bytes: bytes),
                    line: timed.line, eventIndex: index))
            case .rate(let from, let to, let perSecond, let duration, let bytes):
                for offset in rateOffsets(perSecond: perSecond, forMilliseconds: duration, random: &random) {
                    steps.append(PlannedStep(
                        atMilliseconds: timed.atMilliseconds + offset, action: .send(from: from, to: to, count: 1, bytes: bytes),
                        line: timed.line, eventIndex: index))
                }
            case .kill, .restart, .stop, .start, .cut, .heal, .split, .join, .impair, .clear:
                steps.append(PlannedStep(
                    atMilliseconds: timed.atMilliseconds, action: .fault(timed.event), line: timed.line, eventIndex: index))
            }
        }
        // A stable sort: equal times keep the order of the file (and a rate's own order).
        let ordered = steps.enumerated().sorted { lhs, rhs in
            lhs.element.atMilliseconds != rhs.element.atMilliseconds
                ? lhs.element.atMilliseconds < rhs.element.atMilliseconds : lhs.offset < rhs.offset
        }
        return Timeline(steps: ordered.map(\.element))
    }

    /// How many messages a rate sends: `perSecond × duration`, rounded up (docs/TESTBED.md
    /// §Traffic; 1 a second for 2.5 s is 3), with a hair's tolerance so 0.3 × 10 s is 3, not 4.
    static func rateCount(perSecond: Double, forMilliseconds duration: UInt64) -> Int {
        guard perSecond.isFinite, perSecond > 0 else { return 0 }
        let count = (perSecond * Double(duration) / 1000 - 1e-9).rounded(.up)
        return count < Double(TestbedLimits.messagesMax) ? Int(count) : TestbedLimits.messagesMax
    }

    /// A rate's send times (ms from its start): the window cut into equal slots, one message at a
    /// seeded random moment in each, so the spacing is even on average but not lock-step.
    static func rateOffsets(perSecond: Double, forMilliseconds duration: UInt64, random: inout SeededRandom) -> [UInt64] {
        let count = rateCount(perSecond: perSecond, forMilliseconds: duration)
        guard count > 0 else { return [] }
        let slot = Double(duration) / Double(count)
        return (0..<count).map { index in
            let jitter = Double(random.next() >> 11) / Double(1 << 53)
            return UInt64(slot * (Double(index) + jitter))
        }
    }
}

/// One thing the runner does at a time.
struct PlannedStep: Equatable {
    var atMilliseconds: UInt64
    var action: PlannedAction
    /// The scenario file line it came from (0: built in Swift).
    var line: Int
    /// Its event's place in the scenario's timeline.
    var eventIndex: Int
}

enum PlannedAction: Equatable {
    /// `count` messages at once, pipelined on one control connection.
    case send(from: String, to: String, count: Int, bytes: Int)
    /// Any other event: a process or a link changes.
    case fault(Event)
}
