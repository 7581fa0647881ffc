import ArgumentParser
import FerryControl
import Foundation

struct InboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox", abstract: "Show received messages; --follow keeps printing new ones.")

    @OptionGroup var data: DataOptions

    @Flag(help: "Keep running and print messages as they arrive.") var follow = false
    @Flag(help: "One JSON object per line (id, from, text, sent_at, received_at, path, hops, …).") var json = false
    @Option(help: "Only messages after this inbox sequence number.") var after: Int64 = 0

    func run() throws {
        try reportingErrors {
            let client = try data.client()
            try client.send(ControlRequest(op: "inbox", after: after, follow: follow))
            var shown = 0
            while true {
                let reply = try check(client.receive(timeoutMilliseconds: follow ? nil : 30_000))
                if reply.end == true { break }
                guard let message = reply.message else { continue }
                show(message)
                shown += 1
            }
            if shown == 0 && !json { emitLine("inbox is empty") }
        }
    }

    /// JSON carries the exact text; a line for people escapes everything a sender could use to
    /// move the cursor, recolour the screen or fake another inbox line (`TerminalText`). Senders
    /// who are not contacts are shown by their full address, so two cannot look alike.
    private func show(_ message: InboxItem) {
        if json {
            printJSON(message)
        } else {
            let from = TerminalText.escape(message.fromName ?? message.from)
            let hops = "\(message.hops) hop\(message.hops == 1 ? "" : "s")"
            emitLine("\(message.receivedAt)  \(from)  [\(TerminalText.escape(message.path)), \(hops)]  \(TerminalText.escape(message.text))")
        }
    }
}
