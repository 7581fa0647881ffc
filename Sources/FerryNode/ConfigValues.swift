/// Bounds on what a config file may say (docs/CONFIG.md), unit last.
public enum ConfigLimits {
    /// Largest config file read: a config is a few dozen lines; this leaves room for long seed lists.
    public static let fileBytesMax = 256 * 1024
    /// Entries in `peers` and in `coordinators`.
    public static let seedsMax = 1024
    /// Largest quota: 1 PiB. Far above any disk, and low enough that sums of quotas cannot overflow.
    public static let quotaBytesMax = 1 << 50
    /// Largest `coordinator_release_ms`: a day.
    public static let coordinatorReleaseMillisecondsMax: UInt64 = 86_400_000
    /// Largest `target_links` (the number of endpoints a node remembers, `CoreLimits.endpointsMax`).
    public static let targetLinksMax = 256
}

/// The text forms of config values, parsed without YAML's own typing rules: YAML 1.1 would read
/// `0x10` or `1_000` as numbers and `10:20` as sexagesimal, and an operator means none of that.
enum ConfigValues {
    /// Units a byte count may end with: binary multiples only, so `MiB` means one thing.
    static let byteUnits: [(suffix: String, bytes: Int)] = [
        ("B", 1), ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
    ]

    enum Number: Equatable {
        case value(Int)
        /// Not digits (with a known unit, for bytes).
        case invalid
        /// Digits, but more than the type holds.
        case tooLarge
    }

    /// `268435456`, `256MiB`, `256 MiB`, `1GiB`, `64KiB`, `100B`.
    static func bytes(_ text: String) -> Number {
        let trimmed = text.trimmingSpaces
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let suffix = trimmed.dropFirst(digits.count).trimmingSpaces
        guard let unit = suffix.isEmpty ? 1 : byteUnits.first(where: { $0.suffix == suffix })?.bytes else { return .invalid }
        switch wholeNumber(String(digits)) {
        case .value(let count):
            let (product, overflow) = count.multipliedReportingOverflow(by: unit)
            return overflow ? .tooLarge : .value(product)
        case .invalid: return .invalid
        case .tooLarge: return .tooLarge
        }
    }

    /// Decimal digits only: no sign, no underscores, no `0x`.
    static func wholeNumber(_ text: String) -> Number {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .invalid }
        guard let value = Int(trimmed) else { return .tooLarge }
        return .value(value)
    }

    /// YAML's words for true and false, in any case.
    static func bool(_ text: String) -> Bool? {
        switch text.trimmingSpaces.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
