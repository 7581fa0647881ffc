import FerryWire

/// Checks a scenario before anything is started, so a mistake costs a line on stderr (exit 2)
/// rather than a minute of running: names, references, values, and the timeline played on paper
/// (a node that sends while it is down, a kill of a process that is not running).
enum ScenarioCheck {
    /// Longest process name (it names a data directory, whose control socket path is bounded).
    static let nameBytesMax = 32
    static let paths: Set<String> = ["direct", "coordinator", "mesh"]

    /// Throws the first problem found, naming `file` and the line of the event it is about.
    static func validate(_ scenario: Scenario, file: String) throws {
        let fail = { (line: Int, message: String) in ScenarioError(file: file, line: line, message: message) }
        let nodes = Set(scenario.nodes.map(\.name))
        let coordinators = Set(scenario.coordinators.map(\.name))
        try checkMembers(scenario, nodes: nodes, coordinators: coordinators, fail: fail)
        guard scenario.deadlineMilliseconds > 0 else { throw fail(0, "the deadline must be after the start") }
        let everyone = nodes.union(coordinators)
        for timed in scenario.timeline {
            try checkEvent(timed.event, nodes: nodes, everyone: everyone) { throw fail(timed.line, $0) }
            if timed.atMilliseconds > scenario.deadlineMilliseconds {
                throw fail(timed.line, "the event at \(timed.atMilliseconds) ms comes after the deadline (\(scenario.deadlineMilliseconds) ms)")
            }
        }
        for expectation in scenario.expectations { try checkExpectation(expectation) { throw fail(0, $0) } }
        let timeline = Timeline.plan(scenario, seed: scenario.seed)
        guard timeline.messageCount <= TestbedLimits.messagesMax else {
            throw fail(0, "the timeline sends \(timeline.messageCount) messages; at most \(TestbedLimits.messagesMax) in one run")
        }
        try playOnPaper(scenario, timeline, fail: fail)
    }

    private static func checkMembers(
        _ scenario: Scenario, nodes: Set<String>, coordinators: Set<String>, fail: (Int, String) -> ScenarioError
    ) throws {
        guard !scenario.nodes.isEmpty else { throw fail(0, "a scenario needs at least one node") }
        let names = scenario.nodes.map(\.name) + scenario.coordinators.map(\.name)
        guard names.count <= TestbedLimits.membersMax else {
            throw fail(0, "\(names.count) nodes and coordinators; at most \(TestbedLimits.membersMax) in one run")
        }
        var seen: Set<String> = []
        for name in names {
            guard isValidName(name) else {
                throw fail(0, "'\(name)' is not a usable name: 1 to \(nameBytesMax) letters, digits, '-', '_' or '.', starting with a letter or digit")
            }
            guard seen.insert(name).inserted else { throw fail(0, "the name '\(name)' is used twice") }
        }
        for node in scenario.nodes {
            for peer in node.peers where !nodes.contains(peer) || peer == node.name {
                throw fail(0, "node \(node.name): peer '\(peer)' is not another node of the scenario")
            }
            for coordinator in node.coordinators where !coordinators.contains(coordinator) {
                throw fail(0, "node \(node.name): '\(coordinator)' is not a coordinator of the scenario")
            }
        }
        for coordinator in scenario.coordinators {
            for peer in coordinator.peers where !coordinators.contains(peer) || peer == coordinator.name {
                throw fail(0, "coordinator \(coordinator.name): peer '\(peer)' is not another coordinator of the scenario")
            }
        }
    }

    private static func checkEvent(_ event: Event, nodes: Set<String>, everyone: Set<String>, fail: (String) throws -> Void) throws {
        func known(_ names: String...) throws {
            for name in names where !everyone.contains(name) { try fail("'\(name)' is not a node or coordinator of the scenario") }
        }
        func traffic(_ from: String, _ to: String, bytes: Int) throws {
            for name in [from, to] where !nodes.contains(name) { try fail("'\(name)' is not a node of the scenario (only nodes send and receive)") }
            if from == to { try fail("\(from) cannot send to itself") }
            if bytes < 1 || bytes > TestbedLimits.messageBytesMax { try fail("a message is 1 to \(TestbedLimits.messageBytesMax) bytes, not \(bytes)") }
        }
        func link(_ a: String, _ b: String) throws {
            try known(a, b)
            if a == b { try fail("a link needs two different ends, not \(a) twice") }
        }
        switch event {
        case .send(let from, let to, let count, let bytes):
            try traffic(from, to, bytes: bytes)
            if count < 1 { try fail("a send needs a count of at least 1, not \(count)") }
        case .rate(let from, let to, let perSecond, let duration, let bytes):
            try traffic(from, to, bytes: bytes)
            if Timeline.rateCount(perSecond: perSecond, forMilliseconds: duration) < 1 {
                try fail("a rate of \(perSecond)/s for \(duration) ms sends no message")
            }
        case .kill(let name), .restart(let name), .stop(let name), .start(let name): try known(name)
        case .cut(let a, let b), .heal(let a, let b), .clear(let a, let b): try link(a, b)
        case .impair(let a, let b, let loss, let delay):
            try link(a, b)
            if !(loss >= 0 && loss <= 100) { try fail("loss is a percentage from 0 to 100, not \(loss)") }
            if delay > TestbedLimits.impairDelayMillisecondsMax {
                try fail("a delay of \(delay) ms is over the limit of \(TestbedLimits.impairDelayMillisecondsMax) ms")
            }
        case .split(let parts):
            if parts.count < 2 { try fail("a split needs at least two parts") }
            var seen: Set<String> = []
            for name in parts.joined() {
                try known(name)
                if !seen.insert(name).inserted { try fail("\(name) is in two parts of the split") }
            }
        case .join: break
        }
    }

    private static func checkExpectation(_ expectation: Expectation, fail: (String) throws -> Void) throws {
        switch expectation {
        case .path(let path, let from, let to):
            if !paths.contains(path) { try fail("unknown path '\(path)'; use direct, coordinator or mesh") }
            if from >= to { try fail("the window for path \(path) is empty: from \(from) ms to \(to) ms") }
        case .allDelivered, .noDuplicates, .deliveredBy, .relayCopiesPurged: break
        }
    }

    /// Follows who is up along the planned timeline; refuses what cannot happen.
    private static func playOnPaper(_ scenario: Scenario, _ timeline: Timeline, fail: (Int, String) -> ScenarioError) throws {
        var up = Set(scenario.nodes.filter(\.startsRunning).map(\.name))
        up.formUnion(scenario.coordinators.filter(\.startsRunning).map(\.name))
        for step in timeline.steps {
            let at = "at \(step.atMilliseconds) ms"
            switch step.action {
            case .send(let from, _, _, _):
                guard up.contains(from) else { throw fail(step.line, "\(from) sends \(at) but is not running then") }
            case .fault(.kill(let name)), .fault(.stop(let name)):
                guard up.remove(name) != nil else { throw fail(step.line, "\(name) is not running \(at); it cannot be stopped") }
            case .fault(.start(let name)):
                guard up.insert(name).inserted else { throw fail(step.line, "\(name) is already running \(at); use restart") }
            case .fault(.restart(let name)): up.insert(name)
            case .fault(.send), .fault(.rate), .fault(.cut), .fault(.heal), .fault(.split), .fault(.join), .fault(.impair),
                .fault(.clear):
                break
            }
        }
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= nameBytesMax, Address(text: name) == nil else { return false }
        let isAlphanumeric = { (scalar: Unicode.Scalar) in scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) }
        return isAlphanumeric(first) && name.unicodeScalars.allSatisfy { isAlphanumeric($0) || "-_.".unicodeScalars.contains($0) }
    }
}
