import ArgumentParser
import FerryControl
import FerryNode
import FerryWire
import Foundation

struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a message; prints its id once the node has it safely on disk.")

    @OptionGroup var data: DataOptions

    @Argument(help: "Recipient: a contact name, a contact's address or a unique start of it (8+ hex characters), or the 32-character address of a peer met before.")
    var to: String
    @Argument(help: "The message (at most 65536 bytes), or - to read it from stdin.") var text: String

    @Option(help: "Wait up to this many seconds for the delivery receipt; exit 3 if it does not come.")
    var wait: Double?

    @Flag(help: "With -, send each line of stdin as its own message, printing one id per line.")
    var lines = false

    func validate() throws {
        if lines && text != "-" { throw ValidationError("--lines reads stdin: give - as the text") }
        if let wait, !(wait >= 0) { throw ValidationError("--wait takes a number of seconds") }
    }

    func run() throws {
        try reportingErrors {
            if lines {
                try sendLines(data.client())
            } else {
                // Checked here, before connecting: a body over the control socket's line limit
                // would only get the connection closed.
                let body = try checkedBody()
                let client = try data.client()
                let id = try sendOne(client, body)
                emitLine(id)
                if let wait { try waitForReceipt(client, id: id, seconds: wait) }
            }
        }
    }

    private func checkedBody() throws -> String {
        let limit = WireLimits.messageBodyBytesMax
        if text != "-" {
            guard text.utf8.count <= limit else { throw NodeError.messageTooLong(bytes: text.utf8.count, max: limit) }
            return text
        }
        var stdin = StdinReader(bytesMax: limit)
        switch try stdin.readAll() {
        case .text(let body): return body
        case .tooLong(let bytes): throw NodeError.messageTooLong(bytes: bytes, max: limit)
        }
    }

    private func sendOne(_ client: ControlClient, _ body: String) throws -> String {
        let reply = try check(client.call(ControlRequest(op: "send", to: to, text: body)))
        guard let id = reply.id else { throw ControlError.badReply("send reply without id") }
        return id
    }

    /// One process, many messages: each stdin line is sent as soon as it is read (a pipe of alerts
    /// or logs), and its id printed when the node has stored it. A line over the limit stops the
    /// run there (the lines before it are sent), as does a reader of stdout that went away.
    private func sendLines(_ client: ControlClient) throws {
        var stdin = StdinReader(bytesMax: WireLimits.messageBodyBytesMax)
        var ids: [String] = []
        var lineNumber = 0
        while let piece = try stdin.nextLine() {
            lineNumber += 1
            switch piece {
            case .tooLong(let bytes):
                let tooLong = NodeError.messageTooLong(bytes: bytes, max: WireLimits.messageBodyBytesMax)
                throw ControlFailure(message: "line \(lineNumber) of stdin: \(tooLong) (messages sent before it: \(ids.count))")
            case .text(let line):
                if line.isEmpty { continue }
                ids.append(try sendOne(client, line))
                do { try StandardOutput.write(Array((ids.last! + "\n").utf8)) } catch {
                    throw ControlFailure(message: "\(error) after \(ids.count) messages were sent; the rest of stdin was not sent")
                }
            }
        }
        if let wait {
            let deadline = Date().addingTimeInterval(wait)
            for id in ids { try waitForReceipt(client, id: id, seconds: max(0, deadline.timeIntervalSinceNow)) }
        }
    }

    private func waitForReceipt(_ client: ControlClient, id: String, seconds: Double) throws {
        do {
            let reply = try check(client.call(ControlRequest(op: "wait", id: id), timeoutMilliseconds: Int(seconds * 1000)))
            emitLine(deliveredLine(path: reply.path, hops: reply.hops))
        } catch ControlError.timedOut {
            printError("ferry: no delivery proof for \(id) within \(seconds) s; the message stays queued and will be retried")
            throw ExitCode(ExitCodes.waitTimedOut)
        }
    }
}

/// `delivered direct`, or `delivered via mesh, 3 hops`: how the proof says the message got there.
func deliveredLine(path: String?, hops: Int?) -> String {
    guard let path else { return "delivered" }
    let hops = hops ?? 1
    if path == "direct" && hops <= 1 { return "delivered direct" }
    return "delivered via \(TerminalText.escape(path)), \(hops) hop\(hops == 1 ? "" : "s")"
}
