import ArgumentParser
import FerryControl
import FerryNode
import Foundation

/// `--data DIR`, which every command takes.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (default: $FERRY_DATA, else ~/.local/share/ferry).")
    var data: String?

    var directory: DataDirectory { DataDirectory.resolve(data) }

    /// A client for the running node, or the one-line "not running" error.
    func client() throws -> ControlClient {
        let dir = directory
        return try ControlClient(socketPath: dir.controlSocketPath, dataDir: dir.path)
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

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints rows as aligned columns.
func printTable(_ header: [String], _ rows: [[String]]) {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    for row in all {
        let cells = row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }
        print(cells.joined(separator: "  "))
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
    FileHandle.standardOutput.write(Data(ControlJSON.encode(value)))
}

/// Writes a line to stdout at once (no buffering), for output a pipe reads as it comes.
func emitLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
