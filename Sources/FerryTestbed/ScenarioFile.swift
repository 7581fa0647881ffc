import Foundation

/// Reads scenario files (docs/TESTBED.md). Placeholder until the parser lands: it refuses every file.
public enum ScenarioFile {
    /// Parses scenario text; `fileName` names the file in errors.
    public static func parse(_ text: String, fileName: String) throws -> Scenario {
        throw ScenarioError(file: fileName, line: 1, message: "scenario files are not supported yet")
    }

    /// Reads and parses the scenario file at `path`.
    public static func load(path: String) throws -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError(file: path, line: 0, message: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(text, fileName: path)
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
