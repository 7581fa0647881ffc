/// Why a bench run stopped; each says what failed in one line.
enum BenchError: Error, CustomStringConvertible {
    case usage(String)
    case timedOut(String)
    case command(String)
    case node(String)

    var description: String {
        switch self {
        case .usage(let text): return text
        case .timedOut(let what): return "timed out: \(what)"
        case .command(let text): return "command failed: \(text)"
        case .node(let text): return "node: \(text)"
        }
    }
}
