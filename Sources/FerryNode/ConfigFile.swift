import Foundation
import Yams

/// Config files (docs/CONFIG.md): one YAML mapping with the keys of `ConfigKey`. This is the edge
/// where the file becomes typed settings; every problem is a `ConfigError` naming the file and
/// the line. Only FerryNode imports Yams, and no Yams type leaves this module.
public enum ConfigFile {
    /// The settings for `role`: its defaults with the file's values over them. The command then puts
    /// its flags over the result (`NodeSettings.apply`).
    public static func load(_ path: String, role: NodeRole) throws(ConfigError) -> NodeSettings {
        try load(path, over: NodeSettings(role: role))
    }

    /// The file's values over `defaults` (a command with other defaults than `NodeSettings(role:)`).
    public static func load(_ path: String, over defaults: NodeSettings) throws(ConfigError) -> NodeSettings {
        try decode(try read(path), path: path, over: defaults)
    }

    /// The settings `text` gives over `defaults`, as if read from `path` (relative `data` paths are
    /// taken from the directory of `path`).
    public static func decode(_ text: String, path: String, over defaults: NodeSettings) throws(ConfigError) -> NodeSettings {
        let root = try compose(text, path: path)
        var settings = defaults
        let directory = (absolute(path) as NSString).deletingLastPathComponent
        try ConfigDecoder(path: path, directory: directory).apply(root, to: &settings)
        return settings
    }

    // MARK: Reading

    /// The file's text: at most `ConfigLimits.fileBytesMax` bytes of UTF-8. A pipe works too
    /// (`--config <(…)`); a directory does not.
    static func read(_ path: String) throws(ConfigError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw fileError(path, errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fileError(path, errno) }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw fileError(path, EISDIR) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw fileError(path, errno) }
            if count == 0 { break }
            bytes += chunk[0..<count]
            guard bytes.count <= ConfigLimits.fileBytesMax else {
                throw ConfigError(
                    path: path, line: nil,
                    message: "larger than \(ConfigLimits.fileBytesMax / 1024) KiB; a config file is a few lines (docs/CONFIG.md)")
            }
        }
        return try utf8Text(bytes, path: path)
    }

    private static func fileError(_ path: String, _ code: Int32) -> ConfigError {
        let message: String
        switch code {
        case ENOENT: message = "no such file; check the path given to --config"
        case EACCES: message = "permission denied; the user running ferry must be able to read it"
        case EISDIR: message = "is a directory; give the path of a YAML file"
        default: message = "cannot read it: \(String(cString: strerror(code)))"
        }
        return ConfigError(path: path, line: nil, message: message)
    }

    /// The text, or an error naming the line of the first byte that is not UTF-8.
    private static func utf8Text(_ bytes: [UInt8], path: String) throws(ConfigError) -> String {
        if let line = UTF8Check.firstInvalidLine(in: bytes) { throw ConfigError(path: path, line: line, message: "not UTF-8 text; save the file as UTF-8") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The character at a libyaml mark (1-based line, column in Unicode scalars), if there is one.
    private static func character(atLine line: Int, column: Int, in text: String) -> Unicode.Scalar? {
        let lines = text.split(separator: "\n", maxSplits: line, omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count, column >= 1 else { return nil }
        let scalars = Array(lines[line - 1].unicodeScalars.prefix(column))
        return scalars.count == column ? scalars[column - 1] : nil
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    // MARK: YAML

    /// The document's tree, or nil for an empty file. Tags are not resolved (`Resolver.basic`): the
    /// decoder reads every scalar's text itself (`ConfigValues`).
    static func compose(_ text: String, path: String) throws(ConfigError) -> Yams.Node? {
        do {
            return try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw yamlError(error, text: text, path: path)
        } catch {
            throw ConfigError(path: path, line: nil, message: "invalid YAML: \(error)")
        }
    }

    /// One line from libyaml's error: the line of the problem, what it is, and where the construct
    /// it broke began when that is elsewhere (an unclosed quote is found at the end of the file).
    private static func yamlError(_ error: YamlError, text: String, path: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: "
            if let context {
                message += context.text + (context.mark.line == mark.line ? ", " : " (started on line \(context.mark.line)), ")
            }
            message += "\(problem) (column \(mark.column))"
            if character(atLine: mark.line, column: mark.column, in: text) == "\t" {
                message += "; indent with spaces, YAML does not allow tabs there"
            }
            return ConfigError(path: path, line: mark.line, message: message)
        case .reader(let problem, let offset, _, _):
            let line = offset.map { text.prefix($0).reduce(1) { $1.isNewline ? $0 + 1 : $0 } }
            return ConfigError(path: path, line: line, message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigError(path: path, line: context.mark.line, message: "key \(keys) is given more than once; keep one")
        case .no, .memory, .writer, .emitter, .representer, .dataCouldNotBeDecoded:
            return ConfigError(path: path, line: nil, message: "invalid YAML: \(error)")
        }
    }
}
