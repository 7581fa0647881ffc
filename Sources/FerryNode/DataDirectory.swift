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
    /// The arguments of the last `ferry run` here (a JSON array), for the "not running" hint.
    public var runArgumentsPath: String { path + "/run.args" }

    /// Creates the directory (mode 0700, like any parents it needs) if missing; an existing
    /// directory must already be private (`checkPrivate`).
    public func create() throws {
        var info = stat()
        if stat(path, &info) != 0 {
            guard errno == ENOENT else {
                throw NodeError.io("cannot stat data directory \(path): \(String(cString: strerror(errno)))")
            }
            do {
                try FileManager.default.createDirectory(
                    atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw NodeError.io("cannot create data directory \(path): \(error.localizedDescription)")
            }
            // Whatever the umask did, the new directory ends up 0700.
            guard chmod(path, 0o700) == 0 else {
                throw NodeError.io("cannot make data directory \(path) private: \(String(cString: strerror(errno)))")
            }
        }
        try checkPrivate()
    }

    /// Refuses a directory that group or others may enter, list or write: whoever can write in it
    /// can swap the files the node trusts, and listing it shows who this node talks to. A missing
    /// directory passes (the caller then says to run `ferry init`).
    public func checkPrivate() throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw NodeError.io("cannot stat data directory \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw NodeError.dataDirNotADirectory(dataDir: path) }
        if info.st_mode & 0o077 != 0 {
            throw NodeError.dataDirTooOpen(dataDir: path, mode: String(info.st_mode & 0o777, radix: 8))
        }
    }
}
