import Foundation

/// The arguments of the last `ferry run` on a data directory, in `DATA/run.args` (a JSON array
/// of strings, mode 0600), so that "no node is running" can say how this one was started.
/// Only a hint: anything wrong with the file means no hint, never an error.
public enum RunArguments {
    /// Largest `run.args` read; many `--peer` seeds fit in it.
    public static let fileBytesMax = 64 * 1024

    /// Records `arguments` (what follows `ferry run`) for `dir`.
    public static func save(_ arguments: [String], in dir: DataDirectory) throws {
        guard let data = try? JSONEncoder().encode(arguments), data.count <= fileBytesMax else {
            throw NodeError.io("cannot record the run arguments in \(dir.runArgumentsPath): too many")
        }
        try PrivateFiles.replace(dir.runArgumentsPath, with: [UInt8](data), mode: 0o600)
    }

    /// The recorded arguments, or nil if there are none or the file is not what `save` writes.
    public static func load(from dir: DataDirectory) -> [String]? {
        guard let (bytes, _) = try? PrivateFiles.readRegularFile(dir.runArgumentsPath, bytesMax: fileBytesMax),
            let arguments = try? JSONDecoder().decode([String].self, from: Data(bytes)), !arguments.isEmpty
        else { return nil }
        return arguments
    }
}
