import FerryCrypto
import FerryWire
import Foundation

/// Reads and writes a node's identity: `identity.key` (64 secret bytes, mode 0600) and
/// `identity.record` (the signed record). A key file others can read is refused.
public enum IdentityFiles {
    /// How long a new identity record is valid.
    public static let recordLifetimeMilliseconds: UInt64 = 5 * 365 * 24 * 3600 * 1000

    /// Creates a new identity in `dir`; refuses if one exists.
    public static func create(in dir: DataDirectory, now: Timestamp) throws -> (NodeIdentity, IdentityRecord) {
        try dir.create()
        guard !FileManager.default.fileExists(atPath: dir.identityKeyPath) else {
            throw NodeError.identityExists(dataDir: dir.path)
        }
        let identity = try NodeIdentity.generate()
        let record = try identity.record(created: now, expires: now.adding(milliseconds: recordLifetimeMilliseconds))
        try writeFile(dir.identityRecordPath, bytes: record.encoded(), mode: 0o644)
        try writeFile(dir.identityKeyPath, bytes: identity.secret, mode: 0o600)
        return (identity, record)
    }

    /// Loads the identity; checks the key file's mode and that key and record belong together.
    public static func load(from dir: DataDirectory) throws -> (NodeIdentity, IdentityRecord) {
        let keyPath = dir.identityKeyPath
        guard FileManager.default.fileExists(atPath: keyPath) else { throw NodeError.noIdentity(dataDir: dir.path) }
        var info = stat()
        guard stat(keyPath, &info) == 0 else { throw NodeError.unreadableIdentity(path: keyPath, reason: "cannot stat it") }
        if info.st_mode & 0o077 != 0 {
            throw NodeError.keyFileTooOpen(path: keyPath, mode: String(info.st_mode & 0o777, radix: 8))
        }
        let identity: NodeIdentity
        do { identity = try NodeIdentity(secret: try readFile(keyPath)) } catch {
            throw NodeError.unreadableIdentity(path: keyPath, reason: "\(error)")
        }
        let recordBytes = try readFile(dir.identityRecordPath)
        let verified: VerifiedIdentity
        do { verified = try VerifiedIdentity(encoded: recordBytes, now: nil) } catch {
            throw NodeError.unreadableIdentity(path: dir.identityRecordPath, reason: "\(error)")
        }
        guard verified.address == identity.address else {
            throw NodeError.unreadableIdentity(path: dir.identityRecordPath, reason: "it belongs to another key")
        }
        return (identity, verified.record)
    }

    static func readFile(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NodeError.unreadableIdentity(path: path, reason: "missing or unreadable")
        }
        return [UInt8](data)
    }

    /// Writes via a temporary file, fsync and rename, so a crash never leaves half a key.
    static func writeFile(_ path: String, bytes: [UInt8], mode: mode_t) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw NodeError.io("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        fchmod(fd, mode)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw NodeError.io("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
