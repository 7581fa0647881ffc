import ArgumentParser
import FerryControl
import Foundation

/// `ferry directory`: identity records this node knows — every address listed can be sent to.
struct DirectoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory", abstract: "List the addresses this node knows a record for (so it can send to them).")

    @OptionGroup var data: DataOptions
    @Flag(help: "One JSON object per line: address, name, how, learnt_at_ms, expires_at_ms.") var json = false

    func run() throws {
        try reportingErrors {
            let items = try check(data.client().call(ControlRequest(op: "directory"))).directory ?? []
            if json {
                for item in items { printJSON(item) }
            } else if items.isEmpty {
                emitLine("no records known yet: link to peers (or wait for announces), or add contacts")
            } else {
                let now = Date().timeIntervalSince1970 * 1000
                printTable(
                    ["ADDRESS", "NAME", "HOW", "AGE"],
                    items.map { item in
                        [item.address, TerminalText.escape(item.name ?? "-"), item.how,
                         "\(Int(max(0, now - Double(item.learntAtMs)) / 1000))s"]
                    })
            }
        }
    }
}
