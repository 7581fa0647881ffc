import Foundation

/// The file descriptors a process may open: a coordinator raises its soft limit to the hard one,
/// since every link is a socket.
enum ProcessLimits {
    static func raiseOpenFiles() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    static func openFilesMax() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        let current = UInt64(limit.rlim_cur)
        return current > UInt64(Int32.max) ? Int(Int32.max) : Int(current)
    }
}
