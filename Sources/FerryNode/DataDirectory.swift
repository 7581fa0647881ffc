import Foundation

/// The files of one node, all in one directory (docs/ARCHITECTURE.md §Data directory).
public struct DataDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = (path as NSString).standardizingPath
    }

    /// `--data` if given, else `$FERRY_DATA`, else `~/.local/share/ferry`.
    public static func resolve(_ option: String?) -> DataDirectory {
        if let option, !option.isEmpty { return DataDirectory(path: absolute(option)) }
        if let env = ProcessInfo.processInfo.environment["FERRY_DATA"], !env.isEmpty {
            return DataDirectory(path: absolute(env))
        }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return DataDirectory(path: home + "/.local/share/ferry")
    }

    private static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return expanded }
        return FileManager.default.currentDirectoryPath + "/" + expanded
    }

    /// The private keys (mode 0600).
    public var identityKeyPath: String { path + "/identity.key" }
    /// The signed identity record, whose card `ferry id --card` prints.
    public var identityRecordPath: String { path + "/identity.record" }
    public var databasePath: String { path + "/ferry.db" }
    /// The control socket (mode 0600) the CLI talks to.
    public var controlSocketPath: String { path + "/control.sock" }
    /// Held (flock) by the running node; a dead node's lock is released by the kernel.
    public var lockPath: String { path + "/node.lock" }
    public var contactsPath: String { path + "/contacts.json" }

    /// Creates the directory (mode 0700) if missing.
    public func create() throws {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw NodeError.io("cannot create data directory \(path): \(error.localizedDescription)")
        }
    }
}
