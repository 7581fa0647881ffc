import FerryNode

/// Reads `timeline:` into events, each entry `at: TIME` and one action. An action that names
/// several processes or pairs (`kill: [a, b]`, `send: {from: a, to: [b, c]}`) becomes several
/// events at the same time, in the order written. Names are checked against the topology here;
/// whether the action makes sense at that moment (is the sender up?) is `ScenarioValidation`'s.
struct ScenarioEventReader {
    let reader: ScenarioReader
    let topology: ScenarioTopology

    /// The actions, as keys of a timeline entry.
    enum Action: String, CaseIterable {
        case send, rate, kill, restart, stop, start, cut, heal, split, join, impair, clear
    }

    static let entryKeys = ["at"] + Action.allCases.map(\.rawValue)
    static let sendKeys = ["from", "to", "count", "bytes"]
    static let rateKeys = ["from", "to", "per_second", "for", "bytes"]
    static let impairKeys = ["link", "loss", "delay"]

    func read(_ node: YAMLTree) throws(ScenarioError) -> [TimedEvent] {
        var events: [TimedEvent] = []
        var previous: (at: UInt64, line: Int)?
        for item in try reader.list(node, what: "'timeline'") {
            let fields = try reader.fields(item, allowed: Self.entryKeys, what: "a timeline entry")
            let at = try reader.duration(try fields.required("at", in: reader, what: "a timeline entry"), what: "'at'")
            if let previous, at < previous.at {
                throw reader.fail(
                    item, "this entry is at \(ScenarioDurations.text(at)), before the entry on line \(previous.line) (at \(ScenarioDurations.text(previous.at))); keep the timeline in time order")
            }
            previous = (at, item.line)
            let actions = fields.order.filter { $0 != "at" }
            guard actions.count == 1, let key = actions.first, let action = Action(rawValue: key), let value = fields[key] else {
                let list = Action.allCases.map(\.rawValue).joined(separator: ", ")
                throw reader.fail(
                    item, actions.isEmpty
                        ? "a timeline entry needs one action besides 'at': \(list)"
                        : "a timeline entry has one action, and this one has \(actions.joined(separator: " and ")); write one entry each, with the same 'at'")
            }
            for event in try self.event(action, value) {
                events.append(TimedEvent(atMilliseconds: at, event: event, line: item.line))
                guard events.count <= ScenarioLimits.eventsMax else {
                    throw reader.fail(item, "the timeline has more than \(ScenarioLimits.eventsMax) events (lists counted one per name or pair)")
                }
            }
        }
        return events
    }

    private func event(_ action: Action, _ value: YAMLTree) throws(ScenarioError) -> [Event] {
        switch action {
        case .send: return try send(value)
        case .rate: return try rate(value)
        case .kill: return try processes(value, action).map { .kill($0) }
        case .restart: return try processes(value, action).map { .restart($0) }
        case .stop: return try processes(value, action).map { .stop($0) }
        case .start: return try processes(value, action).map { .start($0) }
        case .cut: return try pairs(value, what: "'cut'").map { .cut($0.0, $0.1) }
        case .heal: return try pairs(value, what: "'heal'").map { .heal($0.0, $0.1) }
        case .split: return [.split(try split(value))]
        case .join:
            guard value.isNull || (try? reader.bool(value, what: "'join'")) == true else {
                throw reader.fail(value, "'join' is written 'join: true' (it ends the split in force)")
            }
            return [.join]
        case .impair: return try impair(value)
        case .clear: return try pairs(value, what: "'clear'").map { .clear($0.0, $0.1) }
        }
    }

    // MARK: Traffic

    private func send(_ value: YAMLTree) throws(ScenarioError) -> [Event] {
        let fields = try reader.fields(value, allowed: Self.sendKeys, what: "'send'")
        let count = try fields["count"].map { (node) throws(ScenarioError) in
            try reader.wholeNumber(node, what: "'count'", in: 1...ScenarioLimits.messagesMax)
        } ?? 1
        let bytes = try messageBytes(fields["bytes"])
        return try senderPairs(fields, what: "'send'").map { .send(from: $0.0, to: $0.1, count: count, bytes: bytes) }
    }

    private func rate(_ value: YAMLTree) throws(ScenarioError) -> [Event] {
        let fields = try reader.fields(value, allowed: Self.rateKeys, what: "'rate'")
        let perSecondNode = try fields.required("per_second", in: reader, what: "'rate'")
        let text = try reader.text(perSecondNode, what: "'per_second'", expected: "a number of messages a second, like 20 or 0.5")
        guard let perSecond = ScenarioDurations.decimal(text), perSecond > 0, perSecond <= ScenarioLimits.ratePerSecondMax else {
            throw reader.fail(perSecondNode, "'per_second' must be a number above 0 and at most \(Int(ScenarioLimits.ratePerSecondMax)), like 20 or 0.5, not '\(ScenarioReader.shortened(text))'")
        }
        let forNode = try fields.required("for", in: reader, what: "'rate'")
        let duration = try reader.duration(forNode, what: "'for'")
        guard ScenarioMessages.count(perSecond: perSecond, forMilliseconds: duration) >= 1 else {
            throw reader.fail(forNode, "a rate of \(text) a second for \(ScenarioDurations.text(duration)) sends no message; make 'for' longer")
        }
        let bytes = try messageBytes(fields["bytes"])
        return try senderPairs(fields, what: "'rate'").map {
            .rate(from: $0.0, to: $0.1, perSecond: perSecond, forMilliseconds: duration, bytes: bytes)
        }
    }

    private func messageBytes(_ node: YAMLTree?) throws(ScenarioError) -> Int {
        guard let node else { return ScenarioLimits.messageBytesDefault }
        return try reader.wholeNumber(node, what: "'bytes'", in: 1...ScenarioLimits.messageBytesMax)
    }

    /// Every (sender, recipient) pair of `from` × `to`, a process never sending to itself. Each side
    /// is a node, a list of nodes, or `all` (every node).
    private func senderPairs(_ fields: ScenarioFields, what: String) throws(ScenarioError) -> [(String, String)] {
        let fromNode = try fields.required("from", in: reader, what: what)
        let toNode = try fields.required("to", in: reader, what: what)
        let senders = try trafficNames(fromNode, key: "from", action: what)
        let recipients = try trafficNames(toNode, key: "to", action: what)
        // Distinct names on each side, so this is the only way to have no pair at all.
        if senders.count == 1, recipients == senders {
            throw reader.fail(toNode, "\(what) is from '\(senders[0])' to itself; a message goes to another node")
        }
        return senders.flatMap { sender in recipients.filter { $0 != sender }.map { (sender, $0) } }
    }

    private func trafficNames(_ node: YAMLTree, key: String, action: String) throws(ScenarioError) -> [String] {
        if case .scalar("all", plain: true) = node.value { return topology.nodes.map(\.name) }
        var result: [String] = []
        for reference in try reader.names(node, what: "'\(key)'") {
            guard topology.isNode(reference.name) else {
                let why = topology.isCoordinator(reference.name) ? "is a coordinator; messages go between nodes" : "is not in nodes"
                throw reader.fail(line: reference.line, "\(action) names '\(reference.name)' in '\(key)', which \(why)")
            }
            guard !result.contains(reference.name) else { throw reader.fail(line: reference.line, "'\(key)' names '\(reference.name)' twice") }
            result.append(reference.name)
        }
        return result
    }

    // MARK: Processes and links

    private func processes(_ value: YAMLTree, _ action: Action) throws(ScenarioError) -> [String] {
        try reader.names(value, what: "'\(action.rawValue)'").map { (reference) throws(ScenarioError) in
            guard topology.contains(reference.name) else {
                throw reader.fail(line: reference.line, "\(action.rawValue) names '\(reference.name)', which is not in nodes or coordinators")
            }
            return reference.name
        }
    }

    /// `[a, b]` (one link) or `[[a, b], [c, d]]` (several).
    private func pairs(_ value: YAMLTree, what: String) throws(ScenarioError) -> [(String, String)] {
        let form = "a pair of names like [a, b], or a list of pairs like [[a, b], [a, c]]"
        guard case .sequence(let items) = value.value, !items.isEmpty else { throw reader.fail(value, "\(what) must be \(form)") }
        if case .sequence = items[0].value {
            return try items.map { (item) throws(ScenarioError) in try pair(item, what: what, form: form) }
        }
        return [try pair(value, what: what, form: form)]
    }

    private func pair(_ node: YAMLTree, what: String, form: String) throws(ScenarioError) -> (String, String) {
        guard case .sequence(let items) = node.value, items.count == 2 else { throw reader.fail(node, "\(what) must be \(form)") }
        let a = try processName(items[0], action: what)
        let b = try processName(items[1], action: what)
        guard a != b else { throw reader.fail(node, "\(what) names '\(a)' twice; a link is between two processes") }
        return (a, b)
    }

    private func processName(_ node: YAMLTree, action: String) throws(ScenarioError) -> String {
        let name = try reader.name(node, what: "a name in \(action)")
        guard topology.contains(name) else {
            throw reader.fail(node, "\(action) names '\(name)', which is not in nodes or coordinators")
        }
        return name
    }

    /// `split: [[a, b], [c, d]]`: two or more parts, each name in one part at most.
    private func split(_ value: YAMLTree) throws(ScenarioError) -> [[String]] {
        let form = "a list of parts, each a list of names, like [[a, b], [c, d]]"
        guard case .sequence(let items) = value.value, items.count >= 2 else {
            throw reader.fail(value, "'split' must be \(form), with at least two parts")
        }
        var seen: [String: Int] = [:]
        return try items.map { (item) throws(ScenarioError) in
            guard case .sequence(let members) = item.value, !members.isEmpty else {
                throw reader.fail(item, "each part of 'split' must be a non-empty list of names (\(form))")
            }
            return try members.map { (member) throws(ScenarioError) in
                let name = try processName(member, action: "'split'")
                if let line = seen[name] { throw reader.fail(member, "'split' puts '\(name)' in two parts (also on line \(line))") }
                seen[name] = member.line
                return name
            }
        }
    }

    private func impair(_ value: YAMLTree) throws(ScenarioError) -> [Event] {
        let fields = try reader.fields(value, allowed: Self.impairKeys, what: "'impair'")
        let links = try pairs(try fields.required("link", in: reader, what: "'impair'"), what: "'impair' link")
        var loss = 0.0
        if let lossNode = fields["loss"] {
            let text = try reader.text(lossNode, what: "'loss'", expected: "a percentage like 20% or 20")
            guard let percent = ScenarioDurations.percent(text) else {
                throw reader.fail(lossNode, "'loss' must be a percentage from 0 to 100, like 20% or 20, not '\(ScenarioReader.shortened(text))'")
            }
            loss = percent
        }
        var delay: UInt64 = 0
        if let delayNode = fields["delay"] {
            delay = try reader.duration(delayNode, what: "'delay'")
            guard delay <= ScenarioLimits.impairDelayMillisecondsMax else {
                throw reader.fail(delayNode, "'delay' must be at most \(ScenarioDurations.text(ScenarioLimits.impairDelayMillisecondsMax))")
            }
        }
        guard loss > 0 || delay > 0 else { throw reader.fail(value, "'impair' needs 'loss', 'delay' or both (above 0); 'clear' removes them") }
        return links.map { .impair($0.0, $0.1, lossPercent: loss, delayMilliseconds: delay) }
    }
}

/// How many messages the timeline's traffic sends.
enum ScenarioMessages {
    /// A rate sends `per_second × for` messages, rounded up (a rate of 1 a second for 2.5 s sends at
    /// 0 s, 1 s and 2 s).
    static func count(perSecond: Double, forMilliseconds: UInt64) -> Int {
        // Less a hair, so 0.1 a second for 10 s is 1 message, not 2 from a rounding error.
        Int((perSecond * Double(forMilliseconds) / 1000 - 1e-9).rounded(.up))
    }

    static func count(_ event: Event) -> Int {
        switch event {
        case .send(_, _, let count, _): return count
        case .rate(_, _, let perSecond, let duration, _): return count(perSecond: perSecond, forMilliseconds: duration)
        case .kill, .restart, .stop, .start, .cut, .heal, .split, .join, .impair, .clear: return 0
        }
    }
}
