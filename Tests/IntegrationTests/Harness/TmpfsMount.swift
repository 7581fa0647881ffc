import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small tmpfs the test mounts over an empty directory, to run out of disk on purpose.
/// Needs root; `mount` throws `TmpfsMount.Unavailable` where it cannot be done, so the test can skip.
/// Not `Sendable`: the test that mounts it unmounts it.
final class TmpfsMount {
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    let path: String
    private var mounted = false

    /// Mounts a tmpfs of `sizeBytes` on `path` (created if missing), mode 0700.
    init(path: String, sizeBytes: Int, scratch: URL) throws {
        self.path = path
        guard geteuid() == 0 else { throw Unavailable(description: "mounting a tmpfs needs root; this test runs as uid \(geteuid())") }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let result = try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(sizeBytes),mode=0700", "tmpfs", path], scratch: scratch)
        guard result.termination == .exited(0) else {
            throw Unavailable(description: "mount -t tmpfs failed (\(result.termination)): \(result.stderr)")
        }
        mounted = true
    }

    /// Unmounts (lazily if something still holds a file open); safe to call twice.
    func unmount(scratch: URL) {
        guard mounted else { return }
        mounted = false
        if let plain = try? Self.run("/bin/umount", [path], scratch: scratch), plain.termination == .exited(0) { return }
        _ = try? Self.run("/bin/umount", ["-l", path], scratch: scratch)
    }

    /// Writes a file of zeros until the file system says ENOSPC, down to single bytes, so almost
    /// nothing is left free. Returns the bytes written.
    @discardableResult
    func fill(fileName: String) throws -> Int {
        let fd = open(path + "/" + fileName, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HarnessError("open filler: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var total = 0
        var chunk = Self.fillChunkBytes
        let writesMax = 1 << 20
        for _ in 0..<writesMax where chunk > 0 {
            let zeros = [UInt8](repeating: 0, count: chunk)
            let written = write(fd, zeros, chunk)
            if written > 0 {
                total += written
            } else if written < 0 && errno == ENOSPC {
                chunk /= 2
            } else if written < 0 && errno != EINTR {
                throw HarnessError("write filler: \(String(cString: strerror(errno)))")
            }
        }
        return total
    }

    /// Free bytes on the file system, as statvfs reports them to root.
    func freeBytes() -> Int? {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        return Int(stats.f_bfree) * Int(stats.f_frsize)
    }

    static let fillChunkBytes = 256 * 1024

    private static func run(_ executable: String, _ arguments: [String], scratch: URL) throws -> (termination: Termination, stderr: String) {
        let errPath = scratch.appendingPathComponent("mount-\(UUID().uuidString.prefix(8)).err").path
        defer { unlink(errPath) }
        let child = try ChildProcess(executable: executable, arguments: arguments, stdinPath: nil, stdoutPath: "/dev/null", stderrPath: errPath)
        guard let ended = child.wait(seconds: Harness.cliTimeoutSeconds) ?? child.killNow() else {
            throw HarnessError("\(executable) did not finish")
        }
        let stderr = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        return (ended, stderr.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
