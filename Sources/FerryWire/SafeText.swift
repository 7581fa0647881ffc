/// Text that came from someone else (a peer's CLOSE reason, a message body, a hand-edited contact
/// name) made safe for one line of a log or a terminal: nothing in it may move the cursor, change
/// colours, start a new line or reorder what follows. The one implementation both the CLI
/// (`TerminalText`) and the node's logs use.
public enum SafeText {
    /// `text` with each unsafe scalar replaced by a visible escape: `\n`, `\r`, `\t`, `\x1b` for the
    /// other ASCII controls and DEL, and `\u{85}` for the rest: C1 controls, the line and paragraph
    /// separators U+2028/U+2029, and the bidirectional controls (U+061C, U+200E, U+200F,
    /// U+202A–U+202E, U+2066–U+2069). With `escapingBackslashes` a backslash becomes `\\`, so a
    /// log line cannot show an escape that was not there; cut to `maxScalars` scalars (then `…`).
    public static func escaped(_ text: String, escapingBackslashes: Bool = true, maxScalars: Int = .max) -> String {
        var result = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            if count == maxScalars {
                result.append("…")
                break
            }
            count += 1
            if isUnsafe(scalar) {
                result.append(contentsOf: escape(scalar).unicodeScalars)
            } else if escapingBackslashes && scalar == "\\" {
                result.append(contentsOf: "\\\\".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Controls (C0, DEL, C1), line and paragraph separators, and bidirectional controls.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return scalar.properties.isBidiControl
        }
    }

    static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            let hex = String(scalar.value, radix: 16)
            return scalar.isASCII ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex : "\\u{\(hex)}"
        }
    }
}
