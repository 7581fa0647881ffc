import FerryNode
import Foundation

/// Reads scenario files (docs/TESTBED.md): one YAML mapping with a name, the coordinators and
/// nodes, a timeline of traffic and faults, and expectations. This is the edge where the file
/// becomes a typed `Scenario`; every problem is a `ScenarioError` naming the file and the line, and
/// a scenario that parses is one the runner can execute as written (`ScenarioValidation`).
public enum ScenarioFile {
    /// The top-level keys, in the order the reference lists them.
    static let topKeys = ["name", "description", "seed", "discovery", "deadline", "coordinators", "nodes", "timeline", "expect"]

    /// Parses scenario text; `fileName` names the file in errors.
    public static func parse(_ text: String, fileName: String) throws -> Scenario {
        try decode(text, fileName: fileName)
    }

    /// The same as `parse`, with the error typed.
    public static func decode(_ text: String, fileName: String) throws(ScenarioError) -> Scenario {
        let reader = ScenarioReader(file: fileName)
        let root: YAMLTree?
        do {
            root = try YAMLTree.parse(text, nodesMax: ScenarioLimits.yamlValuesMax)
        } catch {
            throw ScenarioError(file: fileName, line: error.line ?? 0, message: error.message)
        }
        guard let root, !root.isNull else {
            throw ScenarioError(file: fileName, line: 0, message: "the file is empty; a scenario needs at least 'name' and 'nodes' (docs/TESTBED.md)")
        }
        guard case .mapping = root.value else {
            throw reader.fail(root, "a scenario is a mapping of keys ('name: …', 'nodes:', 'timeline:', …, docs/TESTBED.md), not \(root.kind)")
        }
        let fields = try reader.fields(root, allowed: topKeys, what: "a scenario")
        return try scenario(fields, reader)
    }

    private static func scenario(_ fields: ScenarioFields, _ reader: ScenarioReader) throws(ScenarioError) -> Scenario {
        let nameNode = try fields.required("name", in: reader, what: "a scenario")
        let name = try reader.text(nameNode, what: "'name'", expected: "a name like 'coordinator-outage'")
        try reader.checkName(name, at: nameNode, what: "'name'", bytesMax: ScenarioLimits.scenarioNameBytesMax)
        var description: String?
        if let node = fields["description"] {
            let text = try reader.text(node, what: "'description'", expected: "text")
            guard text.utf8.count <= ScenarioLimits.descriptionBytesMax else {
                throw reader.fail(node, "'description' is longer than \(ScenarioLimits.descriptionBytesMax) bytes")
            }
            description = text
        }
        let seed = try fields["seed"].map { (node) throws(ScenarioError) in UInt64(try reader.wholeNumber(node, what: "'seed'", in: 0...Int.max)) } ?? 1
        let discovery = try fields["discovery"].map { (node) throws(ScenarioError) in try reader.bool(node, what: "'discovery'") } ?? false
        let deadline = try fields["deadline"].map { (node) throws(ScenarioError) in try self.deadline(node, reader) }
            ?? ScenarioLimits.deadlineMillisecondsDefault
        let topology = try ScenarioTopologyReader(reader: reader, seed: seed).read(
            coordinators: fields["coordinators"], nodes: try fields.required("nodes", in: reader, what: "a scenario"))
        let events = try fields["timeline"].map { (node) throws(ScenarioError) in
            try ScenarioEventReader(reader: reader, topology: topology).read(node)
        } ?? []
        let expectations = try fields["expect"].map { (node) throws(ScenarioError) in
            try ScenarioExpectationReader(reader: reader, deadlineMilliseconds: deadline).read(node)
        } ?? []
        try ScenarioValidation(reader: reader, topology: topology, discovery: discovery, deadlineMilliseconds: deadline)
            .check(events, expectations)
        return Scenario(
            name: name, description: description, seed: seed, discovery: discovery, coordinators: topology.coordinators,
            nodes: topology.nodes, timeline: events, expectations: expectations.map(\.expectation), deadlineMilliseconds: deadline)
    }

    private static func deadline(_ node: YAMLTree, _ reader: ScenarioReader) throws(ScenarioError) -> UInt64 {
        let deadline = try reader.duration(node, what: "'deadline'")
        guard deadline > 0, deadline <= ScenarioLimits.deadlineMillisecondsMax else {
            throw reader.fail(node, "'deadline' must be above 0 and at most \(ScenarioDurations.text(ScenarioLimits.deadlineMillisecondsMax))")
        }
        return deadline
    }

    // MARK: Reading

    /// Reads and parses the scenario file at `path` (at most `ScenarioLimits.fileBytesMax` bytes of
    /// UTF-8).
    public static func load(path: String) throws -> Scenario {
        try decode(try read(path), fileName: path)
    }

    static func read(_ path: String) throws(ScenarioError) -> String {
        guard !path.isEmpty else {
            throw ScenarioError(file: "ferry testbed", line: 0, message: "the scenario file's path is empty; give the path of a scenario file (examples/scenarios/*.yaml)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ScenarioError(file: path, line: 0, message: "no such file; give the path of a scenario file (examples/scenarios/*.yaml)")
        }
        guard !isDirectory.boolValue else { throw ScenarioError(file: path, line: 0, message: "is a directory; give the path of a scenario file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ScenarioError(file: path, line: 0, message: "cannot read the file (permission denied?)")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: ScenarioLimits.fileBytesMax + 1) ?? Data()
        } catch {
            throw ScenarioError(file: path, line: 0, message: "cannot read the file: \(error.localizedDescription)")
        }
        guard data.count <= ScenarioLimits.fileBytesMax else {
            throw ScenarioError(file: path, line: 0, message: "larger than \(ScenarioLimits.fileBytesMax / 1024) KiB; a scenario is a page or two")
        }
        return try utf8Text([UInt8](data), path: path)
    }

    /// The text, or an error naming the line of the first byte that is not UTF-8.
    private static func utf8Text(_ bytes: [UInt8], path: String) throws(ScenarioError) -> String {
        if let line = UTF8Check.firstInvalidLine(in: bytes) { throw ScenarioError(file: path, line: line, message: "not UTF-8 text; save the file as UTF-8") }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A scenario that cannot be run, with the file and line it is about (line 0: the whole file).
public struct ScenarioError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
