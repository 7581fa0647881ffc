import Yams

/// A YAML document as a plain tree that keeps the line of every key and value, for other modules
/// that read YAML files (the testbed's scenario files, docs/TESTBED.md). Yams keeps one owner:
/// FerryNode composes the document with the same reader as config files (same syntax errors, same
/// tab hint), and no Yams type leaves this module.
public struct YAMLTree: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        /// A single value's text as written. `plain` is false when it was quoted or a block
        /// (`|`, `>`), so `"~"` is text while a plain `~` or nothing at all is no value.
        case scalar(String, plain: Bool)
        case sequence([YAMLTree])
        /// Keys and values in file order (a key given twice is a syntax error).
        case mapping([YAMLEntry])
    }

    public let value: Value
    /// 1-based line where the node begins.
    public let line: Int

    public init(_ value: Value, line: Int) {
        self.value = value
        self.line = line
    }

    /// No value: a plain empty scalar, `~` or `null`.
    public var isNull: Bool {
        guard case .scalar(let text, plain: true) = value else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// "a single value", "a list", "a mapping": what a node is, for error messages.
    public var kind: String {
        switch value {
        case .scalar: return isNull ? "no value" : "a single value"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    /// The tree of the first document in `text`, or nil when there is none (an empty file, or only
    /// comments). Scalars are not typed (`Resolver.basic`): callers read each value's text. Aliases
    /// are expanded, and at most `nodesMax` nodes are made, so a few lines of nested aliases cannot
    /// cost the memory of their expansion.
    public static func parse(_ text: String, nodesMax: Int) throws(YAMLTreeError) -> YAMLTree? {
        let root: Yams.Node?
        do {
            root = try ConfigFile.compose(text, path: "")
        } catch {
            throw YAMLTreeError(line: error.line, message: error.message)
        }
        guard let root else { return nil }
        var budget = nodesMax
        return try tree(root, budget: &budget, nodesMax: nodesMax)
    }

    private static func tree(_ node: Yams.Node, budget: inout Int, nodesMax: Int) throws(YAMLTreeError) -> YAMLTree {
        let line = node.mark?.line ?? 0
        budget -= 1
        guard budget >= 0 else {
            throw YAMLTreeError(line: line, message: "more than \(nodesMax) values in the file (aliases count each time they are used)")
        }
        switch node {
        case .scalar(let scalar):
            return YAMLTree(.scalar(scalar.string, plain: scalar.style == .plain || scalar.style == .any), line: line)
        case .sequence(let sequence):
            var elements: [YAMLTree] = []
            for element in sequence { elements.append(try tree(element, budget: &budget, nodesMax: nodesMax)) }
            return YAMLTree(.sequence(elements), line: line)
        case .mapping(let mapping):
            var entries: [YAMLEntry] = []
            for (key, value) in mapping {
                let keyTree = try tree(key, budget: &budget, nodesMax: nodesMax)
                entries.append(YAMLEntry(key: keyTree, value: try tree(value, budget: &budget, nodesMax: nodesMax)))
            }
            return YAMLTree(.mapping(entries), line: line)
        case .alias(let alias):
            throw YAMLTreeError(line: alias.mark?.line ?? line, message: "aliases (*name) are not supported here; write the value out")
        }
    }

    /// The known key nearest to a mistyped one (an edit or two away, as config files suggest), for
    /// "did you mean …?".
    public static func suggestion(for typed: String, among keys: [String]) -> String? {
        KeySuggestion.nearest(to: typed, under: nil, among: keys.map { (nil, $0) })
    }
}

/// One key and its value in a `YAMLTree` mapping.
public struct YAMLEntry: Sendable, Equatable {
    public let key: YAMLTree
    public let value: YAMLTree

    public init(key: YAMLTree, value: YAMLTree) {
        self.key = key
        self.value = value
    }
}

/// Text that is not YAML: libyaml's problem and the line it found it on (nil when it gave none).
public struct YAMLTreeError: Error, Equatable {
    public let line: Int?
    /// Begins "invalid YAML: "; says when a tab is the cause.
    public let message: String
}
