import ArgumentParser
import FerryControl
import Foundation

/// `ferry outbox`: own messages not yet delivered — "where is my message?".
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "List messages sent from this node that are not delivered yet.")

    @OptionGroup var data: DataOptions
    @Flag(help: "One JSON object per line: id, to, to_name, created_at_ms, copies_out, last_offered_ms, inflight_links.")
    var json = false

    func run() throws {
        try reportingErrors {
            let reply = try check(data.client().call(ControlRequest(op: "outbox")))
            let items = reply.outbox ?? []
            if json {
                for item in items { printJSON(item) }
            } else if items.isEmpty {
                emitLine("outbox is empty: every message sent from this node was delivered")
            } else {
                printOutbox(items)
                if let total = reply.outboxTotal, total > items.count {
                    emitLine("… and \(total - items.count) more (the oldest \(items.count) are shown)")
                }
            }
        }
    }

    private func printOutbox(_ items: [OutboxItem]) {
        let now = Date().timeIntervalSince1970 * 1000
        let age = { (ms: UInt64) in "\(Int(max(0, now - Double(ms)) / 1000))s" }
        printTable(
            ["ID", "TO", "AGE", "COPIES OUT", "LAST OFFERED", "IN FLIGHT"],
            items.map { item in
                [
                    item.id, TerminalText.escape(item.toName ?? item.to), age(item.createdAtMs), "\(item.copiesOut)",
                    item.lastOfferedMs.map { age($0) + " ago" } ?? "not yet", "\(item.inflightLinks)",
                ]
            })
    }
}
