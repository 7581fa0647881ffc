import Foundation

/// How times and sizes read in the live view and the text report.
enum TextFormat {
    /// A duration: `250 ms`, `1.5 s`, `12 s`, `2 min 5 s`.
    static func duration(_ milliseconds: UInt64) -> String {
        if milliseconds < 1_000 { return "\(milliseconds) ms" }
        if milliseconds < 10_000 {
            let tenths = (milliseconds + 50) / 100
            return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
        }
        let seconds = (milliseconds + 500) / 1_000
        return seconds < 120 ? "\(seconds) s" : "\(seconds / 60) min \(seconds % 60) s"
    }

    /// A moment of the run: `12.3 s` from its start.
    static func moment(_ milliseconds: UInt64) -> String {
        let tenths = milliseconds / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }

    /// KiB as MiB with one decimal.
    static func mebibytes(_ kibibytes: UInt64) -> String {
        String(format: "%.1f MiB", Double(kibibytes) / 1024)
    }

    /// `text` cut or padded to `width` characters.
    static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// Rows as aligned columns (the last column is not padded).
    static func table(_ rows: [[String]], indent: String = "  ") -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            indent + row.enumerated().map { index, cell in index == row.count - 1 ? cell : padded(cell, widths[index]) }
                .joined(separator: "  ")
        }
    }
}
