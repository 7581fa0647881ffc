/// Text files a person writes (config, scenarios) are read as UTF-8; an error names the line.
public enum UTF8Check {
    /// The 1-based line holding the first byte that is not UTF-8; nil when all of it is.
    public static func firstInvalidLine(in bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): if scalar == "\n" { line += 1 }
            case .emptyInput: return nil
            case .error: return line
            }
        }
    }
}
