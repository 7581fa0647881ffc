import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The run's temporary directory: the probes write here, and each node pair has a subdirectory,
/// so one path holds every log of a failed run.
final class ScratchDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/ferry-bench.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError.command("mkdtemp failed") }
        path = String(cString: made)
    }

    /// Removes the directory, or keeps it and says where (for `--keep-logs` and failed runs).
    func remove(keep: Bool) {
        if keep {
            FileHandle.standardError.write(Data("ferry-bench: node logs kept in \(path)\n".utf8))
        } else {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
