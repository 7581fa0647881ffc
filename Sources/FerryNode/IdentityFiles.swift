import FerryCrypto
import FerryWire
import Foundation

/// Reads and writes a node's identity: `identity.key` (64 secret bytes, mode 0600) and
/// `identity.record` (the signed record). A key file others can read, a key that is a symbolic
/// link or not a regular file, and a data directory others can enter are refused.
public enum IdentityFiles {
    /// How long a new identity record is valid.
    public static let recordLifetimeMilliseconds: UInt64 = 5 * 365 * 24 * 3600 * 1000
    /// Largest `identity.key` read (it holds 64 bytes); anything bigger is not ours.
    static let keyFileBytesMax = 4096

    /// Creates a new identity in `dir`; refuses if one exists.
    public static func create(in dir: DataDirectory, now: Timestamp) throws -> (NodeIdentity, IdentityRecord) {
        try dir.create()
        // lstat: a dangling symlink named identity.key is something there too, not a free slot.
        var info = stat()
        guard lstat(dir.identityKeyPath, &info) != 0 else { throw NodeError.identityExists(dataDir: dir.path) }
        let identity = try NodeIdentity.generate()
        let record = try identity.record(created: now, expires: now.adding(milliseconds: recordLifetimeMilliseconds))
        try PrivateFiles.replace(dir.identityRecordPath, with: record.encoded(), mode: 0o644)
        try PrivateFiles.replace(dir.identityKeyPath, with: identity.secret, mode: 0o600)
        return (identity, record)
    }

    /// Loads the identity; checks the directory, the key file's type and mode, and that key and
    /// record belong together.
    public static func load(from dir: DataDirectory) throws -> (NodeIdentity, IdentityRecord) {
        try dir.checkPrivate()
        let keyPath = dir.identityKeyPath
        guard let (secret, mode) = try PrivateFiles.readRegularFile(keyPath, bytesMax: keyFileBytesMax) else {
            throw NodeError.noIdentity(dataDir: dir.path)
        }
        if mode & 0o077 != 0 {
            throw NodeError.keyFileTooOpen(path: keyPath, mode: String(mode & 0o777, radix: 8))
        }
        let identity: NodeIdentity
        do { identity = try NodeIdentity(secret: secret) } catch {
            throw NodeError.unreadableIdentity(path: keyPath, reason: "\(error)")
        }
        let verified = try loadRecord(dir)
        guard verified.address == identity.address else {
            throw NodeError.unreadableIdentity(path: dir.identityRecordPath, reason: "it belongs to another key")
        }
        return (identity, verified.record)
    }

    /// This node's own verified record, without touching the private key; nil before `ferry init`.
    /// For checks that only need to know who this node is (`contacts add` refusing its own card).
    public static func ownRecord(in dir: DataDirectory) throws -> VerifiedIdentity? {
        try dir.checkPrivate()
        var info = stat()
        guard lstat(dir.identityKeyPath, &info) == 0 else { return nil }
        return try loadRecord(dir)
    }

    private static func loadRecord(_ dir: DataDirectory) throws -> VerifiedIdentity {
        let path = dir.identityRecordPath
        guard let (bytes, _) = try PrivateFiles.readRegularFile(path, bytesMax: WireLimits.identityRecordBytesMax) else {
            throw NodeError.unreadableIdentity(path: path, reason: "missing")
        }
        do { return try VerifiedIdentity(encoded: bytes, now: nil) } catch {
            throw NodeError.unreadableIdentity(path: path, reason: "\(error)")
        }
    }
}
