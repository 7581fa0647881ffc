import FerryCore
import Foundation
import Logging
import Yams

/// The top-level keys of a config file (docs/CONFIG.md).
enum ConfigKey: String, CaseIterable {
    case data
    case listen
    case peers
    case coordinators
    case discovery
    case logLevel = "log_level"
    case quotas
    case coordinatorReleaseMs = "coordinator_release_ms"
    case targetLinks = "target_links"
    case testing
}

/// The keys under `quotas`, each a `CoreLimits` byte bound.
enum QuotaKey: String, CaseIterable {
    case relayBytes = "relay_bytes"
    case relayBytesPerOrigin = "relay_bytes_per_origin"
    case relayBytesPerDestination = "relay_bytes_per_destination"
    case mailboxBytes = "mailbox_bytes"
    case mailboxBytesPerAddress = "mailbox_bytes_per_address"

    var limit: WritableKeyPath<CoreLimits, Int> {
        switch self {
        case .relayBytes: return \.relayBytesMax
        case .relayBytesPerOrigin: return \.relayBytesPerOriginMax
        case .relayBytesPerDestination: return \.relayBytesPerDestinationMax
        case .mailboxBytes: return \.mailboxBytesMax
        case .mailboxBytesPerAddress: return \.mailboxBytesPerAddressMax
        }
    }
}

/// Turns a composed YAML tree into settings, key by key; a key or value it cannot use is a
/// `ConfigError` at the line of that key or value.
struct ConfigDecoder {
    /// The file as given, for the errors.
    let path: String
    /// Relative `data` paths are taken from the file's directory, so the file means the same
    /// whatever the working directory (systemd starts services in `/`).
    let directory: String

    /// A key and its value, with the key's dotted name (`quotas.relay_bytes`).
    private struct Entry {
        let name: String
        let key: Yams.Node
        let value: Yams.Node
    }

    private static let knownKeys: [(parent: String?, key: String)] =
        ConfigKey.allCases.map { (nil, $0.rawValue) } + QuotaKey.allCases.map { ("quotas", $0.rawValue) }

    func apply(_ root: Yams.Node?, to settings: inout NodeSettings) throws(ConfigError) {
        guard let root else { return }
        if case .scalar(let scalar) = root, Self.isNull(scalar) { return }
        guard case .mapping(let mapping) = root else {
            throw fail(root, "the file must be a mapping of keys, one 'key: value' line each (docs/CONFIG.md), not \(Self.kind(root))")
        }
        for (key, entry) in try entries(mapping, of: ConfigKey.self, under: nil) {
            try apply(key, entry, to: &settings)
        }
    }

    private func apply(_ key: ConfigKey, _ entry: Entry, to settings: inout NodeSettings) throws(ConfigError) {
        switch key {
        case .data:
            settings.node.dataDir = DataDirectory(path: resolve(try text(entry, expected: "a directory path")))
        case .listen: settings.node.listen = try endpoint(entry)
        case .peers: settings.node.peers = try seeds(entry)
        case .coordinators: settings.node.coordinators = try seeds(entry)
        case .discovery: settings.node.discovery = try bool(entry)
        case .logLevel: settings.logLevel = try logLevel(entry)
        case .quotas: try quotas(entry, into: &settings.node.limits)
        case .coordinatorReleaseMs:
            let max = Int(ConfigLimits.coordinatorReleaseMillisecondsMax)
            settings.node.limits.coordinatorReleaseMilliseconds = UInt64(try count(entry, unit: "milliseconds", max: max))
        case .targetLinks: settings.node.limits.targetLinks = try count(entry, unit: "links", max: ConfigLimits.targetLinksMax)
        case .testing: settings.node.testing = try bool(entry)
        }
    }

    // MARK: Keys

    /// The mapping's entries as `Key`s, in file order; an unknown key is an error at its line.
    private func entries<Key: RawRepresentable<String> & CaseIterable>(
        _ mapping: Yams.Node.Mapping, of: Key.Type, under parent: String?
    ) throws(ConfigError) -> [(Key, Entry)] {
        var result: [(Key, Entry)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode, !Self.isNull(scalar) else {
                throw fail(keyNode, "a key must be a name like 'listen', not \(Self.kind(keyNode))")
            }
            let name = parent.map { "\($0).\(scalar.string)" } ?? scalar.string
            guard let key = Key(rawValue: scalar.string) else { throw unknownKey(scalar.string, at: keyNode, under: parent) }
            result.append((key, Entry(name: name, key: keyNode, value: value)))
        }
        return result
    }

    private func unknownKey(_ typed: String, at node: Yams.Node, under parent: String?) -> ConfigError {
        let shown = Self.shortened(parent.map { "\($0).\(typed)" } ?? typed)
        if parent == nil && typed == "role" {
            return fail(node, "'role' is not a file key: the command sets it (ferry run starts a node, ferry coordinator a coordinator)")
        }
        if let suggestion = KeySuggestion.nearest(to: typed, under: parent, among: Self.knownKeys) {
            return fail(node, "unknown key '\(shown)' (did you mean '\(suggestion)'?)")
        }
        let siblings = Self.knownKeys.filter { $0.parent == parent }.map(\.key).joined(separator: ", ")
        return fail(node, "unknown key '\(shown)'; the keys\(parent.map { " under \($0)" } ?? "") are: \(siblings)")
    }

    // MARK: Values

    /// A scalar's text; no value, an empty one or a list or mapping is an error.
    private func text(_ entry: Entry, expected: String) throws(ConfigError) -> String {
        guard case .scalar(let scalar) = entry.value else {
            throw fail(entry.key, "'\(entry.name)' must be \(expected), not \(Self.kind(entry.value))")
        }
        guard !Self.isNull(scalar), !scalar.string.isEmpty else {
            throw fail(entry.key, "'\(entry.name)' has no value; give \(expected) or remove the line")
        }
        return scalar.string
    }

    private func endpoint(_ entry: Entry) throws(ConfigError) -> Endpoint {
        let text = try text(entry, expected: "HOST:PORT (in quotes for IPv6: \"[::1]:7000\")")
        do { return try Endpoint(parsing: text) } catch { throw fail(entry.value, "'\(entry.name)': \(error)") }
    }

    /// `peers` and `coordinators`: a list of `[ADDRESS@]HOST:PORT`; no value is an empty list (every
    /// entry commented out).
    private func seeds(_ entry: Entry) throws(ConfigError) -> [PeerSeed] {
        let form = "[ADDRESS@]HOST:PORT"
        switch entry.value {
        case .scalar(let scalar) where Self.isNull(scalar): return []
        case .sequence(let sequence):
            guard sequence.count <= ConfigLimits.seedsMax else {
                throw fail(entry.key, "'\(entry.name)' has \(sequence.count) entries; at most \(ConfigLimits.seedsMax) are allowed")
            }
            var seeds: [PeerSeed] = []
            for element in sequence {
                guard case .scalar(let scalar) = element, !Self.isNull(scalar) else {
                    throw fail(element, "each '\(entry.name)' entry must be \(form), not \(Self.kind(element))")
                }
                do { seeds.append(try PeerSeed(parsing: scalar.string)) } catch { throw fail(element, "'\(entry.name)': \(error)") }
            }
            return seeds
        case .scalar, .mapping, .alias:
            throw fail(entry.key, "'\(entry.name)' must be a list of \(form) (one '- \(form)' line each), not \(Self.kind(entry.value))")
        }
    }

    private func bool(_ entry: Entry) throws(ConfigError) -> Bool {
        guard let value = ConfigValues.bool(try text(entry, expected: "true or false")) else {
            throw fail(entry.value, "'\(entry.name)' must be true or false")
        }
        return value
    }

    private func logLevel(_ entry: Entry) throws(ConfigError) -> Logger.Level {
        let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
        guard let level = Logger.Level(rawValue: try text(entry, expected: "a log level")) else {
            throw fail(entry.value, "'\(entry.name)' must be one of: \(levels)")
        }
        return level
    }

    private func quotas(_ entry: Entry, into limits: inout CoreLimits) throws(ConfigError) {
        switch entry.value {
        case .scalar(let scalar) where Self.isNull(scalar): return
        case .mapping(let mapping):
            for (key, quota) in try entries(mapping, of: QuotaKey.self, under: entry.name) {
                limits[keyPath: key.limit] = try bytes(quota)
            }
        case .scalar, .sequence, .alias:
            throw fail(entry.key, "'\(entry.name)' must be a mapping of quotas ('relay_bytes: 256MiB' lines under it), not \(Self.kind(entry.value))")
        }
    }

    private func bytes(_ entry: Entry) throws(ConfigError) -> Int {
        let units = ConfigValues.byteUnits.map(\.suffix).joined(separator: ", ")
        let expected = "a whole number of bytes, optionally with a unit (\(units)), like 268435456 or 256MiB"
        switch ConfigValues.bytes(try text(entry, expected: expected)) {
        case .value(let bytes) where bytes <= ConfigLimits.quotaBytesMax: return bytes
        case .value, .tooLarge: throw fail(entry.value, "'\(entry.name)' must be at most 1024TiB")
        case .invalid: throw fail(entry.value, "'\(entry.name)' must be \(expected)")
        }
    }

    private func count(_ entry: Entry, unit: String, max: Int) throws(ConfigError) -> Int {
        switch ConfigValues.wholeNumber(try text(entry, expected: "a whole number of \(unit)")) {
        case .value(let value) where value <= max: return value
        case .value, .tooLarge: throw fail(entry.value, "'\(entry.name)' must be at most \(max) \(unit)")
        case .invalid: throw fail(entry.value, "'\(entry.name)' must be a whole number of \(unit)")
        }
    }

    // MARK: Helpers

    private func resolve(_ dataPath: String) -> String {
        let expanded = (dataPath as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? expanded : directory + "/" + expanded
    }

    private func fail(_ node: Yams.Node, _ message: String) -> ConfigError {
        ConfigError(path: path, line: node.mark?.line, message: message)
    }

    /// No value: `key:` with nothing after it, `~` or `null` (unquoted).
    private static func isNull(_ scalar: Yams.Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private static func kind(_ node: Yams.Node) -> String {
        switch node {
        case .scalar: return "a single value"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }

    /// A name from the file as shown in an error: at most 64 characters.
    private static func shortened(_ name: String) -> String {
        name.count <= 64 ? name : name.prefix(64) + "…"
    }
}
