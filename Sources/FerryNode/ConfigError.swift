import FerryControl

/// A config file that cannot be used. Its description is one line that names the file and, when
/// the problem is at one place in it, the line (`/etc/ferry/node.yaml line 4: unknown key
/// 'listne' (did you mean 'listen'?)`); the CLI prints it and exits 1.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    /// The file as it was given (`--config`).
    public let path: String
    /// 1-based; nil for a problem with the file as a whole (missing, unreadable, too large).
    public let line: Int?
    public let message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        // One line, whatever a YAML library or the file put in it.
        self.message = TerminalText.escape(message)
    }

    public var description: String { line.map { "\(path) line \($0): \(message)" } ?? "\(path): \(message)" }
}

/// The nearest known key to a mistyped one, for "did you mean …?".
enum KeySuggestion {
    /// Edits (insert, delete, substitute, swap two neighbours) allowed between a typo and the key
    /// suggested for it; names of four characters or fewer get one.
    static let editsMax = 2
    /// Longer names are not compared (the table is their length times the key's).
    static let typedCharactersMax = 64

    /// The known key (dotted path, like `quotas.relay_bytes`) closest to `typed` under `parent`, if
    /// any is close enough. The right name under another parent is one edit away, so `relay_bytes`
    /// at the top level suggests `quotas.relay_bytes`.
    static func nearest(to typed: String, under parent: String?, among known: [(parent: String?, key: String)]) -> String? {
        guard typed.count <= typedCharactersMax else { return nil }
        let allowed = typed.count <= 4 ? 1 : editsMax
        var best: (key: String, edits: Int)?
        for candidate in known {
            let edits = distance(typed, candidate.key) + (candidate.parent == parent ? 0 : 1)
            guard edits <= allowed, edits < best?.edits ?? Int.max else { continue }
            best = (candidate.parent.map { "\($0).\(candidate.key)" } ?? candidate.key, edits)
        }
        return best?.key
    }

    /// Optimal-string-alignment distance: Levenshtein plus the swap of two neighbours as one edit
    /// (`listne` is one edit from `listen`).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
