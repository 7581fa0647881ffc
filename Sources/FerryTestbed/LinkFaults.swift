/// What the scenario has done to the link between two processes so far.
struct LinkCondition: Equatable, Sendable {
    /// Loss and delay on the link, in both directions.
    struct Impairment: Equatable, Sendable {
        var lossPercent: Double
        var delayMilliseconds: UInt64
    }

    /// Cut by a `cut` event (until its `heal`).
    var cutByEvent = false
    /// Cut by a `split` (until `join`, or a `heal` of this link).
    var cutBySplit = false
    var impairment: Impairment?

    var isCut: Bool { cutByEvent || cutBySplit }
    /// Nothing done to it: what a freshly started process assumes.
    static let intact = LinkCondition()
}

/// The two ends of a link, in name order, so `a–b` and `b–a` are one key.
struct LinkPair: Hashable, Sendable, Comparable {
    let first: String
    let second: String

    init(_ one: String, _ other: String) {
        (first, second) = one <= other ? (one, other) : (other, one)
    }

    func other(than name: String) -> String { name == first ? second : first }

    static func < (lhs: LinkPair, rhs: LinkPair) -> Bool { (lhs.first, lhs.second) < (rhs.first, rhs.second) }
}

/// One link whose condition an event changed: the runner brings both ends from `old` to `new`.
struct LinkChange: Equatable {
    let pair: LinkPair
    let old: LinkCondition
    let new: LinkCondition
}

/// The condition of every link the scenario touched. Pure: events in, changes out; the runner
/// applies the changes through the hosts (the fault op on loopback) and, after a process restarts,
/// applies every condition it is part of again (faults live in the process's memory).
struct LinkFaults {
    private(set) var conditions: [LinkPair: LinkCondition] = [:]

    /// Applies a link event (`cut`, `heal`, `split`, `join`, `impair`, `clear`); other events change
    /// nothing. Returns the links whose condition changed, in name order.
    mutating func apply(_ event: Event) -> [LinkChange] {
        switch event {
        case .cut(let a, let b): return update([LinkPair(a, b)]) { $0.cutByEvent = true }
        case .heal(let a, let b):
            // A healed link is up, whether a `cut` or a `split` took it down.
            return update([LinkPair(a, b)]) {
                $0.cutByEvent = false
                $0.cutBySplit = false
            }
        case .split(let parts): return update(Self.pairsBetween(parts)) { $0.cutBySplit = true }
        case .join: return update(conditions.keys.filter { conditions[$0]?.cutBySplit == true }) { $0.cutBySplit = false }
        case .impair(let a, let b, let loss, let delay):
            return update([LinkPair(a, b)]) { $0.impairment = .init(lossPercent: loss, delayMilliseconds: delay) }
        case .clear(let a, let b): return update([LinkPair(a, b)]) { $0.impairment = nil }
        case .send, .rate, .kill, .restart, .stop, .start: return []
        }
    }

    /// The links of `name` that are not intact: what a restarted process must be told again.
    func faulted(involving name: String) -> [(pair: LinkPair, condition: LinkCondition)] {
        conditions.keys.sorted().compactMap { pair in
            guard pair.first == name || pair.second == name, let condition = conditions[pair], condition != .intact else {
                return nil
            }
            return (pair, condition)
        }
    }

    /// Every pair of names in different parts.
    static func pairsBetween(_ parts: [[String]]) -> [LinkPair] {
        var pairs: Set<LinkPair> = []
        for (index, part) in parts.enumerated() {
            for other in parts[(index + 1)...] {
                for a in part { for b in other where a != b { pairs.insert(LinkPair(a, b)) } }
            }
        }
        return pairs.sorted()
    }

    private mutating func update(_ pairs: [LinkPair], _ change: (inout LinkCondition) -> Void) -> [LinkChange] {
        var changes: [LinkChange] = []
        for pair in pairs.sorted() {
            let old = conditions[pair] ?? .intact
            var new = old
            change(&new)
            conditions[pair] = new == .intact ? nil : new
            if new != old { changes.append(LinkChange(pair: pair, old: old, new: new)) }
        }
        return changes
    }
}
