import FerryNode

/// An expectation as read, with its line and whether `all_delivered` was written without a time.
struct ScenarioExpectationEntry {
    var expectation: Expectation
    var line: Int
    /// `all_delivered` alone: every message by the end of the run, however late it was sent.
    var untimed = false
}

/// Reads `expect:`, a list whose items are a word (`- no_duplicates`) or a word and its value
/// (`- delivered_by: 30s`, `- all_delivered: {within: 10s}`).
struct ScenarioExpectationReader {
    let reader: ScenarioReader
    /// The scenario's deadline: `all_delivered` alone means "by then", and `path` windows end
    /// there unless told.
    let deadlineMilliseconds: UInt64

    enum Kind: String, CaseIterable {
        case allDelivered = "all_delivered"
        case noDuplicates = "no_duplicates"
        case deliveredBy = "delivered_by"
        case path
        case relayCopiesPurgedBy = "relay_copies_purged_by"
    }

    /// The paths a message can arrive by, as the recipient's inbox reports them.
    static let paths = ["direct", "coordinator", "mesh"]
    static let pathKeys = ["via", "sent_from", "sent_to"]

    func read(_ node: YAMLTree) throws(ScenarioError) -> [ScenarioExpectationEntry] {
        try reader.list(node, what: "'expect'").map { (item) throws(ScenarioError) in try entry(item) }
    }

    private func entry(_ item: YAMLTree) throws(ScenarioError) -> ScenarioExpectationEntry {
        let allowed = Kind.allCases.map(\.rawValue)
        let keyNode: YAMLTree
        let value: YAMLTree?
        switch item.value {
        case .scalar:
            keyNode = item
            value = nil
        case .mapping(let entries) where entries.count == 1:
            keyNode = entries[0].key
            value = entries[0].value.isNull ? nil : entries[0].value
        case .mapping, .sequence:
            throw reader.fail(item, "each 'expect' item is one expectation (\(allowed.joined(separator: ", "))), like '- no_duplicates' or '- delivered_by: 30s'")
        }
        let word = try reader.text(keyNode, what: "an expectation", expected: "one of \(allowed.joined(separator: ", "))")
        guard let kind = Kind(rawValue: word) else {
            throw reader.unknownKey(word, at: keyNode, allowed: allowed, what: "'expect'")
        }
        return try expectation(kind, value, line: item.line)
    }

    private func expectation(_ kind: Kind, _ value: YAMLTree?, line: Int) throws(ScenarioError) -> ScenarioExpectationEntry {
        switch kind {
        case .allDelivered:
            guard let value else { return ScenarioExpectationEntry(expectation: .allDelivered(withinMilliseconds: deadlineMilliseconds), line: line, untimed: true) }
            let fields = try reader.fields(value, allowed: ["within"], what: "'all_delivered'")
            let within = try reader.duration(try fields.required("within", in: reader, what: "'all_delivered'"), what: "'within'")
            guard within > 0 else { throw reader.fail(value, "'within' must be above 0") }
            return ScenarioExpectationEntry(expectation: .allDelivered(withinMilliseconds: within), line: line)
        case .noDuplicates:
            if let value { throw reader.fail(value, "'no_duplicates' takes no value; write '- no_duplicates'") }
            return ScenarioExpectationEntry(expectation: .noDuplicates, line: line)
        case .deliveredBy:
            return ScenarioExpectationEntry(expectation: .deliveredBy(milliseconds: try time(value, kind, line: line)), line: line)
        case .relayCopiesPurgedBy:
            return ScenarioExpectationEntry(expectation: .relayCopiesPurged(byMilliseconds: try time(value, kind, line: line)), line: line)
        case .path:
            return ScenarioExpectationEntry(expectation: try path(value, line: line), line: line)
        }
    }

    private func time(_ value: YAMLTree?, _ kind: Kind, line: Int) throws(ScenarioError) -> UInt64 {
        guard let value else { throw reader.fail(line: line, "'\(kind.rawValue)' needs a time from the start, like '\(kind.rawValue): 30s'") }
        return try reader.duration(value, what: "'\(kind.rawValue)'")
    }

    /// `path: {via: mesh, sent_from: 5s, sent_to: 10s}`: the messages sent in [sent_from, sent_to)
    /// arrived by that path. The window defaults to the whole run.
    private func path(_ value: YAMLTree?, line: Int) throws(ScenarioError) -> Expectation {
        guard let value else { throw reader.fail(line: line, "'path' needs 'via', like 'path: {via: mesh, sent_from: 5s, sent_to: 10s}'") }
        let fields = try reader.fields(value, allowed: Self.pathKeys, what: "'path'")
        let viaNode = try fields.required("via", in: reader, what: "'path'")
        let via = try reader.text(viaNode, what: "'via'", expected: Self.paths.joined(separator: ", "))
        guard Self.paths.contains(via) else {
            throw reader.fail(viaNode, "'via' must be one of \(Self.paths.joined(separator: ", ")), not '\(ScenarioReader.shortened(via))'")
        }
        let from = try fields["sent_from"].map { (node) throws(ScenarioError) in try reader.duration(node, what: "'sent_from'") } ?? 0
        let to = try fields["sent_to"].map { (node) throws(ScenarioError) in try reader.duration(node, what: "'sent_to'") } ?? deadlineMilliseconds
        guard from < to else {
            throw reader.fail(value, "'path' window is empty: sent_from (\(ScenarioDurations.text(from))) must be before sent_to (\(ScenarioDurations.text(to)))")
        }
        return .path(via, sentFromMilliseconds: from, sentToMilliseconds: to)
    }
}
