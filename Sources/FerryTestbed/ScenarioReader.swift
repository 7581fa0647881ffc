import FerryNode

/// Reads typed values out of a scenario's YAML tree. Every problem is a `ScenarioError` at the line
/// of the key or value it is about, saying what was expected.
struct ScenarioReader {
    /// The file as given, for the errors.
    let file: String

    func fail(_ node: YAMLTree, _ message: String) -> ScenarioError {
        ScenarioError(file: file, line: node.line, message: message)
    }

    func fail(line: Int, _ message: String) -> ScenarioError {
        ScenarioError(file: file, line: line, message: message)
    }

    // MARK: Mappings

    /// The keys of a mapping that stands for one thing (`what`: "a node", "send"); a key not in
    /// `allowed` is an error that suggests the nearest one and lists them all.
    func fields(_ node: YAMLTree, allowed: [String], what: String) throws(ScenarioError) -> ScenarioFields {
        guard case .mapping(let entries) = node.value else {
            throw fail(node, "\(what) must be a mapping of keys (\(allowed.joined(separator: ", "))), not \(node.kind)")
        }
        var byKey: [String: YAMLEntry] = [:]
        var order: [String] = []
        for entry in entries {
            guard case .scalar(let key, _) = entry.key.value, !entry.key.isNull else {
                throw fail(entry.key, "a key of \(what) must be a name like '\(allowed[0])', not \(entry.key.kind)")
            }
            guard allowed.contains(key) else { throw unknownKey(key, at: entry.key, allowed: allowed, what: what) }
            byKey[key] = entry
            order.append(key)
        }
        return ScenarioFields(node: node, entries: byKey, order: order)
    }

    func unknownKey(_ key: String, at node: YAMLTree, allowed: [String], what: String) -> ScenarioError {
        let shown = key.count <= 40 ? key : key.prefix(40) + "…"
        let hint = YAMLTree.suggestion(for: key, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
        return fail(node, "unknown key '\(shown)' in \(what)\(hint); the keys are: \(allowed.joined(separator: ", "))")
    }

    /// The items of a list; no value is an empty list.
    func list(_ node: YAMLTree, what: String) throws(ScenarioError) -> [YAMLTree] {
        if node.isNull { return [] }
        guard case .sequence(let items) = node.value else {
            throw fail(node, "\(what) must be a list (one '- …' line per item, or [a, b]), not \(node.kind)")
        }
        return items
    }

    // MARK: Scalars

    /// A single value's text; no value, a list or a mapping is an error.
    func text(_ node: YAMLTree, what: String, expected: String) throws(ScenarioError) -> String {
        guard case .scalar(let text, _) = node.value, !node.isNull, !text.isEmpty else {
            throw fail(node, "\(what) must be \(expected), not \(node.kind)")
        }
        return text
    }

    func bool(_ node: YAMLTree, what: String) throws(ScenarioError) -> Bool {
        switch try text(node, what: what, expected: "true or false").lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(node, "\(what) must be true or false")
        }
    }

    /// A whole number in `range`.
    func wholeNumber(_ node: YAMLTree, what: String, in range: ClosedRange<Int>) throws(ScenarioError) -> Int {
        let text = try text(node, what: what, expected: "a whole number")
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text) else {
            if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) {
                throw fail(node, "\(what) must be at least \(range.lowerBound), not \(text)")
            }
            if text.allSatisfy({ $0.isASCII && $0.isNumber }) { throw fail(node, "\(what) must be at most \(range.upperBound)") }
            throw fail(node, "\(what) must be a whole number like \(range.lowerBound), not '\(Self.shortened(text))'")
        }
        guard range.contains(value) else {
            throw fail(node, "\(what) must be \(value < range.lowerBound ? "at least \(range.lowerBound)" : "at most \(range.upperBound)"), not \(value)")
        }
        return value
    }

    /// A duration in milliseconds (`250ms`, `5s`, `1.5s`, `2m`).
    func duration(_ node: YAMLTree, what: String) throws(ScenarioError) -> UInt64 {
        let text = try text(node, what: what, expected: ScenarioDurations.expected)
        guard let milliseconds = ScenarioDurations.milliseconds(text) else {
            if text.hasPrefix("-") { throw fail(node, "\(what) cannot be negative ('\(Self.shortened(text))')") }
            if ScenarioDurations.decimal(text) != nil {
                throw fail(node, "\(what) needs a unit: '\(text)s' or '\(text)ms' (\(ScenarioDurations.expected))")
            }
            throw fail(node, "\(what) must be \(ScenarioDurations.expected) (whole milliseconds), not '\(Self.shortened(text))'")
        }
        return milliseconds
    }

    // MARK: Names

    /// A node or coordinator name: lowercase letters, digits and '-', starting with a letter or a
    /// digit, at most `ScenarioLimits.nameBytesMax` long. Names become contact names, directory names
    /// and labels in reports, so nothing that needs quoting anywhere.
    func name(_ node: YAMLTree, what: String) throws(ScenarioError) -> String {
        let name = try text(node, what: what, expected: "a name like 'a' or 'node-1'")
        try checkName(name, at: node, what: what, bytesMax: ScenarioLimits.nameBytesMax)
        return name
    }

    func checkName(_ name: String, at node: YAMLTree, what: String, bytesMax: Int) throws(ScenarioError) {
        guard Self.isValidName(name) else {
            throw fail(node, "\(what) '\(Self.shortened(name))' is not a name: use lowercase letters, digits and '-', starting with a letter or digit")
        }
        guard name.utf8.count <= bytesMax else { throw fail(node, "\(what) '\(Self.shortened(name))' is longer than \(bytesMax) characters") }
        guard !ScenarioNames.reserved.contains(name) else {
            throw fail(node, "\(what) cannot be '\(name)': \(ScenarioNames.reserved.sorted().map { "'\($0)'" }.joined(separator: ", ")) are words of the format")
        }
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != "-" else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// One name or a list of names (`kill: a`, `kill: [a, b]`), each with its line.
    func names(_ node: YAMLTree, what: String) throws(ScenarioError) -> [ScenarioName] {
        if case .sequence(let items) = node.value {
            guard !items.isEmpty else { throw fail(node, "\(what) has an empty list; name at least one") }
            var result: [ScenarioName] = []
            for item in items { result.append(ScenarioName(name: try name(item, what: what), line: item.line)) }
            return result
        }
        return [ScenarioName(name: try name(node, what: what), line: node.line)]
    }

    /// A name from the file as shown in an error: at most 40 characters.
    static func shortened(_ text: String) -> String {
        text.count <= 40 ? text : text.prefix(40) + "…"
    }
}

/// The keys of one mapping, looked up by name, with the mapping's line for "missing key" errors.
struct ScenarioFields {
    let node: YAMLTree
    let entries: [String: YAMLEntry]
    /// The keys in file order.
    let order: [String]

    subscript(_ key: String) -> YAMLTree? { entries[key]?.value }

    /// The value of a key that must be there.
    func required(_ key: String, in reader: ScenarioReader, what: String) throws(ScenarioError) -> YAMLTree {
        guard let value = entries[key]?.value else { throw reader.fail(node, "\(what) needs '\(key)'") }
        return value
    }
}

/// A name as written in the file, with its line.
struct ScenarioName: Equatable {
    let name: String
    let line: Int
}

/// Words of the format that cannot be names.
enum ScenarioNames {
    /// `all`, `none`, `ring` and `random` are `peers` forms and `all` a `send` form; `later` and
    /// `now` are `start` values.
    static let reserved: Set<String> = ["all", "none", "ring", "random", "later", "now"]
}
