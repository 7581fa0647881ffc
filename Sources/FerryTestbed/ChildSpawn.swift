import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// posix_spawn as every child of the testbed is started: with the default signal dispositions and
/// an empty mask (the runner catches INT/TERM/HUP and ignores PIPE; a child must not inherit
/// that), and in a process group of its own, so a Ctrl-C at the terminal reaches only the runner,
/// which then stops it. The caller sets up the file actions (its stdin, stdout and stderr).
enum ChildSpawn {
    static func spawn(_ executable: String, _ arguments: [String], actions: inout posix_spawn_file_actions_t) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw TestbedError.runner("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return child
    }
}
