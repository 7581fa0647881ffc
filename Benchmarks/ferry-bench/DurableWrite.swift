import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How fast the data directory's filesystem makes bytes durable: appends of `chunkBytes`, each
/// followed by fdatasync, as a group commit of many 64 KiB messages would do. It is the disk's
/// bound for the reconnect scenario, where B must make every body durable before its proof leaves.
/// SQLite writes a body twice (WAL, then the checkpoint into the database file), so the store can
/// reach at most about half of this for body bytes; the figure is reported as measured, not halved.
struct DurableWrite: Codable {
    var chunkBytes: Int
    var totalBytes: Int
    var megabytesPerSecond: Double

    /// Bytes per append + fdatasync: 16 messages of 64 KiB, a plausible group under load.
    static let chunkBytes = 1 << 20
    /// Bytes written in all: enough for a stable rate, small enough to take well under a second
    /// on an SSD. The file is removed afterwards.
    static let totalBytes = 32 << 20

    static func measure(directory: String) throws -> DurableWrite {
        let path = directory + "/write-probe"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw BenchError.command("cannot create \(path)") }
        defer {
            close(fd)
            unlink(path)
        }
        let chunk = [UInt8](repeating: 0x5A, count: chunkBytes)
        let start = MonotonicClock.nanoseconds()
        for _ in 0..<(totalBytes / chunkBytes) {
            guard write(fd, chunk, chunk.count) == chunk.count, fdatasync(fd) == 0 else {
                throw BenchError.command("write/fdatasync on \(path) failed")
            }
        }
        let seconds = Double(MonotonicClock.nanoseconds() - start) / 1e9
        return DurableWrite(chunkBytes: chunkBytes, totalBytes: totalBytes, megabytesPerSecond: Double(totalBytes) / 1e6 / seconds)
    }
}
