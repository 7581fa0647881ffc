import FerryWire

/// Text from others made safe to print on a terminal: one line, shown as written, with nothing
/// that moves the cursor, changes colours, starts a line or reorders what follows.
public enum TerminalText {
    /// `text` with each such character replaced by a visible escape: `\n`, `\r`, `\t`, `\x1b`
    /// for the other ASCII controls and DEL, and `\u{85}` for the rest: C1 controls, the line
    /// and paragraph separators U+2028/U+2029, and the bidirectional controls (U+061C, U+200E,
    /// U+200F, U+202A–U+202E, U+2066–U+2069), which could make a line read differently from the
    /// bytes in it. Everything else, backslashes included, is kept as it is.
    public static func escape(_ text: String) -> String {
        SafeText.escaped(text, escapingBackslashes: false)
    }

    /// `argument` as a POSIX shell word: as it is when it holds only characters no shell treats
    /// specially, else in single quotes. For a command line the user may paste.
    public static func shellWord(_ argument: String) -> String {
        let plain = !argument.isEmpty && argument.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || scalar.properties.numericType != nil || "@%+=:,./_-".unicodeScalars.contains(scalar))
        }
        if plain { return argument }
        return "'" + argument.replacingQuoteMarks() + "'"
    }
}

extension String {
    /// Each `'` as `'\''`: close the quote, an escaped quote, open again.
    fileprivate func replacingQuoteMarks() -> String {
        var result = ""
        for character in self { result += character == "'" ? "'\\''" : String(character) }
        return result
    }
}
