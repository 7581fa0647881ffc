/// Text that came from someone else (a peer's CLOSE reason, a message body) made safe to put in a
/// log line or a terminal: control characters, line and paragraph separators and bidirectional
/// overrides become visible escapes, so the text can neither fake a line nor move the cursor.
public enum SafeText {
    /// `text` with every unsafe scalar written as `\n`, `\t`, `\r`, `\\`, `\xHH` (below U+0100) or
    /// `\u{HHHH}`, and cut to `maxScalars` scalars (with `…`) when longer.
    public static func escaped(_ text: String, maxScalars: Int = 512) -> String {
        var out = ""
        out.reserveCapacity(min(text.utf8.count, maxScalars) + 8)
        var count = 0
        for scalar in text.unicodeScalars {
            if count == maxScalars {
                out += "…"
                break
            }
            count += 1
            out += escape(scalar)
        }
        return out
    }

    static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\t": return "\\t"
        case "\r": return "\\r"
        case "\\": return "\\\\"
        default:
            guard isUnsafe(scalar) else { return String(scalar) }
            let hex = String(scalar.value, radix: 16)
            if scalar.value < 0x100 { return "\\x" + (hex.count < 2 ? "0" + hex : hex) }
            return "\\u{" + hex + "}"
        }
    }

    /// C0 and C1 controls, DEL, line/paragraph separators, bidi embeddings, overrides and isolates.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x2028, 0x2029: return true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
