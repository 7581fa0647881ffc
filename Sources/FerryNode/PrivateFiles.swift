import Foundation

/// Files in the data directory, written and read so that nothing planted next to them (a stale
/// temporary file, a symbolic link, a FIFO) can redirect a write or stand in for a key.
public enum PrivateFiles {
    /// Replaces `path` with `bytes`, atomically: a new temporary file next to it (any stale one is
    /// removed first, and `O_EXCL | O_NOFOLLOW` refuse whatever appears there meanwhile), `fchmod`
    /// to `mode`, `fsync`, `rename`, then `fsync` of the directory so the rename survives a crash.
    public static func replace(_ path: String, with bytes: [UInt8], mode: mode_t) throws {
        let temporary = path + ".tmp"
        // unlink removes a symlink itself, never its target.
        if unlink(temporary) != 0 && errno != ENOENT { throw failure("cannot remove the stale \(temporary)") }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure("cannot create \(temporary)") }
        do {
            guard fchmod(fd, mode) == 0 else { throw failure("cannot set the mode of \(temporary)") }
            try writeAll(fd, bytes, path: temporary)
            guard fsync(fd) == 0 else { throw failure("cannot flush \(temporary) to disk") }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0 else {
            let error = failure("cannot write \(temporary)")
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("cannot rename \(temporary) to \(path)")
            unlink(temporary)
            throw error
        }
        try syncDirectory(of: path)
    }

    /// Reads a regular file that is not a symbolic link, refusing more than `bytesMax` bytes;
    /// nil if there is no file. Opened without following links and without blocking (a FIFO
    /// planted there is refused, not waited on); the checks use the open descriptor, so the file
    /// cannot be swapped between check and read. Also returns its permission bits.
    public static func readRegularFile(_ path: String, bytesMax: Int) throws -> (bytes: [UInt8], mode: mode_t)? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            switch errno {
            case ENOENT: return nil
            case ELOOP: throw NodeError.fileIsSymlink(path: path)
            default: throw failure("cannot open \(path)")
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("cannot stat \(path)") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw NodeError.notRegularFile(path: path) }
        guard Int(info.st_size) <= bytesMax else {
            throw NodeError.io("\(path) is \(info.st_size) bytes, more than the \(bytesMax) it can be; restore it from a backup")
        }
        var bytes = [UInt8](repeating: 0, count: bytesMax + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw failure("cannot read \(path)") }
            if got == 0 { break }
            count += got
        }
        // The size was checked above; a file that grew since is refused rather than cut.
        guard count <= bytesMax else { throw NodeError.io("\(path) grew while it was read; try again") }
        return (Array(bytes[0..<count]), info.st_mode & 0o7777)
    }

    /// Creates a new directory with a unique name under the system's temporary directory, mode
    /// 0700 (`mkdtemp`): nobody else can have created it first or list what goes in it.
    public static func makeTemporaryDirectory(prefix: String) throws -> String {
        var template = Array((NSTemporaryDirectory() + prefix + "XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw failure("cannot create a temporary directory in \(NSTemporaryDirectory())")
        }
        return String(cString: made)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw failure("cannot write \(path)") }
            offset += written
        }
    }

    private static func syncDirectory(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open \(directory) to flush it") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("cannot flush \(directory) to disk") }
    }

    /// The error for a failed call, with `errno`'s text; call right after the failure.
    private static func failure(_ what: String) -> NodeError {
        NodeError.io("\(what): \(String(cString: strerror(errno)))")
    }
}
