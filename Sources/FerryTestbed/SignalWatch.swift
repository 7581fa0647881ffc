#if canImport(Glibc)
import Glibc
#endif

/// The ends of the pipe the signal handler writes to. Made before any handler is installed (a
/// global is initialised on first use, which must not happen inside a handler).
private let signalPipeEnds: (read: Int32, write: Int32) = {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { return (-1, -1) }
    for end in ends {
        _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
    }
    return (ends[0], ends[1])
}()

/// Writes the signal's number into the pipe: the one async-signal-safe thing to do. A full pipe
/// drops it (one pending stop is as good as many).
private func noteSignal(_ number: Int32) {
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(signalPipeEnds.write, &byte, 1)
}

/// SIGINT, SIGTERM and SIGHUP turned into something the runner's loop can look at (the self-pipe
/// trick): the run stops at the next check, stops every process it started and removes its
/// directory, then exits 128 + the signal. Whatever thread the kernel picks runs the handler,
/// so no signal is lost to a thread that never looks.
enum SignalWatch {
    static let watched: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the handlers; a signal from now on is kept until `check` sees it.
    static func install() throws {
        guard signalPipeEnds.read >= 0 else { throw TestbedError.runner("cannot create the signal pipe") }
        for number in watched {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = noteSignal
            action.sa_flags = Int32(SA_RESTART)
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, nil)
        }
    }

    /// Puts the default dispositions back.
    static func uninstall() {
        for number in watched { signal(number, SIG_DFL) }
    }

    /// The descriptor to poll for a pending signal.
    static var descriptor: Int32 { signalPipeEnds.read }

    /// Throws `interrupted` if a watched signal came.
    static func check() throws {
        var byte: UInt8 = 0
        if read(signalPipeEnds.read, &byte, 1) == 1 { throw TestbedError.interrupted(signal: Int32(byte)) }
    }
}
