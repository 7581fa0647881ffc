import Foundation

/// Process-wide signal dispositions of a node.
public enum ProcessSignals {
    /// A peer or a CLI client that goes away mid-write must cost one connection, not the process:
    /// with SIGPIPE ignored, such a write fails with EPIPE and the stream reports a closed peer.
    public static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// No exit goes unlogged. Crashes (SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE) are
    /// reported by the Swift runtime's backtracer, and SIGINT/SIGTERM/SIGHUP stop the node with a
    /// log line; the other signals whose default is to end the process silently get one line on
    /// stderr here, then take their course. A file-size limit (SIGXFSZ) is ignored instead, so the
    /// write fails with an error the store reports like a full disk.
    public static func logFatalSignals() {
        signal(SIGXFSZ, SIG_IGN)
        for number in [SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGSTKFLT, SIGPWR] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = fatalSignalHandler
            action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND))
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, nil)
        }
    }

    /// Last resort for a stop that does not finish: a thread that ends the process after `seconds`.
    /// It touches nothing of the loop; it writes one line and exits.
    static func exitIfStuck(afterSeconds seconds: UInt32) {
        let thread = Thread {
            sleep(seconds)
            let line = Array("ferry: stop did not finish within \(seconds) s; exiting now\n".utf8)
            _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            _exit(70)
        }
        thread.start()
    }
}

/// Says which signal killed the node, then re-raises it (SA_RESETHAND restored the default).
private func fatalSignalHandler(_ number: Int32) {
    var line: [UInt8] = Array("ferry: fatal signal ".utf8)
    var digits: [UInt8] = []
    var value = number
    repeat {
        digits.insert(UInt8(48 + value % 10), at: 0)
        value /= 10
    } while value > 0
    line += digits + Array("; the node is exiting\n".utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    raise(number)
}
