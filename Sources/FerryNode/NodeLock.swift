import Foundation

/// One node per data directory: an exclusive `flock` on `node.lock`, holding the owner's pid.
/// The kernel drops the lock when the process dies, even by SIGKILL, so a stale lock never
/// blocks a restart.
public final class NodeLock {
    private let fd: Int32

    public init(_ dir: DataDirectory) throws {
        fd = open(dir.lockPath, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw NodeError.io("cannot open \(dir.lockPath): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            let pid = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw NodeError.dataDirInUse(dataDir: dir.path, pid: pid.isEmpty ? "unknown" : pid)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
