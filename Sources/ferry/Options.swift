import ArgumentParser
import FerryControl
import FerryNode
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `--data DIR`, which every command takes.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (default: $FERRY_DATA, else ~/.local/share/ferry).")
    var data: String?

    var directory: DataDirectory { DataDirectory.resolve(data) }

    /// A client for the running node. Before `ferry init` the error says to run init (no node
    /// can run without an identity); when no node runs, it says how the last one was started.
    func client() throws -> ControlClient {
        let dir = directory
        try dir.checkPrivate()
        var info = stat()
        guard lstat(dir.identityKeyPath, &info) == 0 else { throw NodeError.noIdentity(dataDir: dir.path) }
        do {
            return try ControlClient(socketPath: dir.controlSocketPath, dataDir: dir.path)
        } catch ControlError.notRunning(let dataDir, _) {
            throw ControlError.notRunning(dataDir: dataDir, lastRun: RunArguments.load(from: dir))
        }
    }
}

/// Exit codes other than 0 and 1 (docs/CLI.md).
enum ExitCodes {
    /// `send --wait` ran out of time before the receipt came.
    static let waitTimedOut: Int32 = 3
}

/// Runs a command body; errors an operator can cause become one line on stderr and exit 1,
/// never a stack trace.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch let error as CleanExit {
        throw error
    } catch {
        printError("ferry: \(error)")
        throw ExitCode.failure
    }
}

/// One line on stderr. Errors writing it are ignored: there is nowhere left to report them.
func printError(_ text: String) {
    let bytes = Array((text + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return }
        offset += written
    }
}

/// Prints rows as aligned columns.
func printTable(_ header: [String], _ rows: [[String]]) {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    for row in all {
        let cells = row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }
        emitLine(cells.joined(separator: "  "))
    }
}

/// Fails with the node's own error text when a reply is not ok.
func check(_ reply: ControlReply) throws -> ControlReply {
    guard reply.ok else { throw ControlFailure(message: reply.error ?? "the node refused the request") }
    return reply
}

struct ControlFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

func printJSON<T: Encodable>(_ value: T) {
    emit(ControlJSON.encode(value))
}

/// Writes a line to stdout at once (no buffering), for output a pipe reads as it comes.
func emitLine(_ text: String) {
    emit(Array((text + "\n").utf8))
}

/// Writes to stdout, or ends the process: quietly with status 0 when the reader has gone away
/// (`ferry inbox | head -1`: it has all it wanted), with one line and status 1 on any other
/// write error. Commands that must not stop half-way use `StandardOutput.write` instead.
func emit(_ bytes: [UInt8]) {
    do {
        try StandardOutput.write(bytes)
    } catch {
        switch error {
        case .readerGone: exit(0)
        case .failed: printError("ferry: \(error)")
        }
        exit(1)
    }
}

/// Standard output written with write(2), so a closed pipe is an error we see (EPIPE; SIGPIPE is
/// ignored in main.swift) rather than a signal or a trap: `FileHandle.write(_: Data)` traps on
/// any write error.
enum StandardOutput {
    enum Failure: Error, CustomStringConvertible {
        /// EPIPE: the reading end of the pipe is closed.
        case readerGone
        case failed(String)

        var description: String {
            switch self {
            case .readerGone: return "standard output was closed by its reader"
            case .failed(let reason): return "cannot write to standard output: \(reason)"
            }
        }
    }

    static func write(_ bytes: [UInt8]) throws(Failure) {
        // Anything `print` left in stdio's buffer goes first, so lines stay in order.
        fflush(nil)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            if written < 0 && errno == EPIPE { throw .readerGone }
            guard written > 0 else { throw .failed(String(cString: strerror(errno))) }
            offset += written
        }
    }
}
