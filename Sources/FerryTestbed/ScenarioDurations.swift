/// The text forms of scenario values that YAML has no type for: durations (`250ms`, `5s`, `1.5s`,
/// `2m`), percentages (`20%`, `20`) and plain decimal numbers. Pure functions; the reader turns a
/// nil into an error at the value's line.
enum ScenarioDurations {
    /// Units a duration may end with, the longest suffix first so `ms` is not read as `m` + `s`.
    static let units: [(suffix: String, milliseconds: UInt64)] = [("ms", 1), ("s", 1000), ("m", 60_000)]

    /// How a duration is described in errors.
    static let expected = "a duration like 250ms, 5s, 1.5s or 2m"

    /// Milliseconds, or nil for a negative, garbled or unit-less value (only `0` may have no unit),
    /// or one finer than a millisecond (`1.0005s`).
    static func milliseconds(_ text: String) -> UInt64? {
        let trimmed = text.trimmingSpaces
        if trimmed == "0" { return 0 }
        guard let unit = units.first(where: { trimmed.hasSuffix($0.suffix) }) else { return nil }
        let number = String(trimmed.dropLast(unit.suffix.count)).trimmingSpaces
        guard let (whole, fraction) = decimalParts(number), whole.count <= 9, fraction.count <= 6 else { return nil }
        guard let wholeValue = UInt64(whole) else { return nil }
        var total = wholeValue * unit.milliseconds
        if !fraction.isEmpty, let fractionValue = UInt64(fraction) {
            var scale: UInt64 = 1
            for _ in fraction { scale *= 10 }
            let scaled = fractionValue * unit.milliseconds
            guard scaled % scale == 0 else { return nil }
            total += scaled / scale
        }
        return total
    }

    /// A percentage from 0 to 100: `20%`, `20`, `12.5%`; nil otherwise.
    static func percent(_ text: String) -> Double? {
        var trimmed = text.trimmingSpaces
        if trimmed.hasSuffix("%") { trimmed = String(trimmed.dropLast()).trimmingSpaces }
        guard let value = decimal(trimmed), value <= 100 else { return nil }
        return value
    }

    /// A non-negative decimal number (`20`, `0.5`, `12.25`): digits, at most one point, no sign or
    /// exponent (YAML 1.1 would read `1e3` or `0x10` as numbers; nobody writing a rate means that).
    static func decimal(_ text: String) -> Double? {
        guard let (whole, fraction) = decimalParts(text.trimmingSpaces), whole.count <= 9, fraction.count <= 9 else { return nil }
        return Double(fraction.isEmpty ? whole : "\(whole).\(fraction)")
    }

    /// `12.5` → ("12", "5"); `12` → ("12", ""); nil unless digits with at most one point between digits.
    private static func decimalParts(_ text: String) -> (whole: String, fraction: String)? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else { return nil }
        guard parts.count == 2 else { return (whole, "") }
        guard !parts[1].isEmpty, parts[1].allSatisfy(\.isASCIIDigit) else { return nil }
        return (whole, parts[1])
    }

    /// `1500` → `1.5s`, `250` → `250ms`, `70000` → `70s`, `120000` → `2m`: how times are shown in
    /// errors, in the units a scenario is written in (minutes only from two on, so the deadline of
    /// most scenarios reads `60s`).
    static func text(_ milliseconds: UInt64) -> String {
        if milliseconds == 0 { return "0s" }
        if milliseconds % 60_000 == 0 && milliseconds >= 120_000 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        if milliseconds >= 1000 {
            var fraction = String(milliseconds % 1000)
            fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return "\(milliseconds / 1000).\(fraction)s"
        }
        return "\(milliseconds)ms"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
