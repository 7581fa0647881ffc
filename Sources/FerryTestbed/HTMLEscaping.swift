/// Escaping for every string a report carries into the HTML page and its inline SVG. Scenario names,
/// node names, message ids, fault descriptions and expectation details come from files people write
/// (or from nodes), so each goes through `escape` before it reaches the page: the page must not run
/// what a scenario says, and the SVG must stay well-formed XML (it is checked with an XML parser).
enum HTMLEscaping {
    /// `text` safe as HTML text, as an attribute value in double or single quotes, and as XML 1.0
    /// character data: the five markup characters become entities, and characters XML 1.0 does not
    /// allow at all (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF), which no entity can
    /// carry either, become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                out.unicodeScalars.append(isAllowedInXML(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    /// `text` cut to at most `characters` characters, with "…" at the end when it was cut. For labels
    /// drawn inside a chart, where a long description would run over its neighbours; the full text
    /// goes in the tooltip.
    static func truncated(_ text: String, toCharacters characters: Int) -> String {
        guard text.count > characters else { return text }
        return String(text.prefix(max(characters - 1, 0))) + "…"
    }

    private static func isAllowedInXML(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return true
        case 0x00..<0x20: return false
        case 0xFFFE, 0xFFFF: return false
        default: return true
        }
    }
}
