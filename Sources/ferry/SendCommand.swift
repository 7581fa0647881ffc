import ArgumentParser
import FerryControl
import FerryNode
import Foundation

struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a message; prints its id once the node has it safely on disk.")

    @OptionGroup var data: DataOptions

    @Argument(help: "Recipient: a contact name or a 32-character address.") var to: String
    @Argument(help: "The message, or - to read it from stdin.") var text: String

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
            let client = try data.client()
            if lines {
                try sendLines(client)
            } else {
                let body = text == "-" ? readAllStdin() : text
                let id = try sendOne(client, body)
                if let wait { try waitForReceipt(client, id: id, seconds: wait) }
            }
        }
    }

    private func sendOne(_ client: ControlClient, _ body: String) throws -> String {
        let reply = try check(client.call(ControlRequest(op: "send", to: to, text: body)))
        guard let id = reply.id else { throw ControlError.badReply("send reply without id") }
        emitLine(id)
        return id
    }

    /// One process, many messages: each stdin line is sent as soon as it is read (a pipe of alerts
    /// or logs), and its id printed when the node has stored it.
    private func sendLines(_ client: ControlClient) throws {
        var ids: [String] = []
        while let line = readLine(strippingNewline: true) {
            if line.isEmpty { continue }
            ids.append(try sendOne(client, line))
        }
        if let wait {
            let deadline = Date().addingTimeInterval(wait)
            for id in ids { try waitForReceipt(client, id: id, seconds: max(0, deadline.timeIntervalSinceNow)) }
        }
    }

    private func waitForReceipt(_ client: ControlClient, id: String, seconds: Double) throws {
        do {
            _ = try check(client.call(ControlRequest(op: "wait", id: id), timeoutMilliseconds: Int(seconds * 1000)))
            print("delivered")
        } catch ControlError.timedOut {
            printError("ferry: no delivery receipt for \(id) within \(seconds) s; the message stays queued and will be retried")
            throw ExitCode(ExitCodes.waitTimedOut)
        }
    }

    private func readAllStdin() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
}
