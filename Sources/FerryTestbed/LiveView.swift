import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the live view shows at one moment.
struct LiveSnapshot {
    struct Row {
        var name: String
        var role: String
        var isUp: Bool
        var links: Int?
        var outboxPending: Int?
        var relay: Int?
        var mailbox: Int?
        var delivered: Int
    }

    var scenario: String
    var nowMs: UInt64
    var rows: [Row]
    var sent: Int
    var delivered: Int
    var byPath: [String: Int]
    var lastEvent: String

    /// `delivered 48/52 (coordinator 20, mesh 28)`.
    var totals: String {
        let paths = byPath.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "delivered \(delivered)/\(sent)" + (paths.isEmpty ? "" : " (\(paths))")
    }

    /// The table: one row per process.
    var tableLines: [String] {
        let dash = "–"
        let header = ["name", "role", "state", "links", "outbox", "relay", "mailbox", "delivered"]
        let body = rows.map { row in
            [
                row.name, row.role, row.isUp ? "up" : "DOWN", row.links.map(String.init) ?? dash,
                row.outboxPending.map(String.init) ?? dash, row.relay.map(String.init) ?? dash,
                row.mailbox.map(String.init) ?? dash, row.role == "node" ? String(row.delivered) : dash,
            ]
        }
        return TextFormat.table([header] + body)
    }
}

/// The view of a run while it plays (docs/TESTBED.md §Live view). On a terminal: event lines
/// scroll, and under them a table of the processes is redrawn every status round. Elsewhere (a
/// pipe, a file, CI): one line per event and a progress line every few seconds. Writes never
/// stop the run: a reader that went away just gets nothing more.
public final class LiveView {
    public enum Mode: Sendable {
        /// Redraws a table in place (ANSI cursor movement).
        case terminal
        /// Plain lines only.
        case lines
        /// Nothing at all.
        case off
    }

    private let mode: Mode
    private let descriptor: Int32
    private var drawnLines = 0
    private var last: LiveSnapshot?
    private var lastProgressMs: UInt64 = 0

    public init(mode: Mode, descriptor: Int32) {
        self.mode = mode
        self.descriptor = descriptor
    }

    /// `.terminal` if `descriptor` is a terminal, else `.lines`.
    public static func mode(for descriptor: Int32) -> Mode { isatty(descriptor) == 1 ? .terminal : .lines }

    /// A line about the run itself (its directory, a process started), without a time.
    func note(_ text: String) { say("  " + text) }

    /// A timeline event.
    func event(_ text: String, atMs: UInt64) { say(Self.stamp(atMs) + text) }

    /// A narration line: what is happening, in words.
    func narrate(_ text: String, atMs: UInt64) { say(Self.stamp(atMs) + "» " + text) }

    /// A status round's snapshot: redraws the table, or a progress line every few seconds.
    func update(_ snapshot: LiveSnapshot) {
        last = snapshot
        switch mode {
        case .terminal: redraw()
        case .lines:
            guard snapshot.nowMs >= lastProgressMs + TestbedLimits.progressLineMilliseconds else { return }
            lastProgressMs = snapshot.nowMs
            let up = snapshot.rows.filter(\.isUp).count
            write(Self.stamp(snapshot.nowMs) + "\(snapshot.totals); \(up) of \(snapshot.rows.count) up\n")
        case .off: break
        }
    }

    /// The end of the timeline: the table stays as last drawn, with a closing line.
    func finish(atMs: UInt64) {
        guard let last else { return }
        if mode == .terminal { redraw() }
        if mode != .off { write(Self.stamp(atMs) + "done: \(last.totals)\n") }
        drawnLines = 0
    }

    private func say(_ line: String) {
        switch mode {
        case .off: return
        case .lines: write(line + "\n")
        case .terminal:
            write(erase() + line + "\n")
            drawnLines = 0
            redraw()
        }
    }

    private func redraw() {
        guard let last else { return }
        let width = terminalColumns()
        let title = " \(last.scenario) · \(TextFormat.moment(last.nowMs)) · \(last.totals)"
        let event = last.lastEvent.isEmpty ? [] : [" last: \(last.lastEvent)"]
        let lines = ([title] + event + last.tableLines).map { String($0.prefix(max(width - 1, 20))) }
        write(erase() + lines.joined(separator: "\n") + "\n")
        drawnLines = lines.count
    }

    /// Moves the cursor up over the table drawn last and clears from there down.
    private func erase() -> String {
        drawnLines > 0 ? "\u{1B}[\(drawnLines)A\r\u{1B}[J" : ""
    }

    private static func stamp(_ milliseconds: UInt64) -> String {
        TextFormat.padded(TextFormat.moment(milliseconds), 8)
    }

    /// The terminal's width, so no table line wraps (a wrapped line would throw off the redraw).
    private func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return 100
    }

    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
