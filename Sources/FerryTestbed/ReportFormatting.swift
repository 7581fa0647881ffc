/// Number formatting for the HTML report: SVG coordinates and durations for people. Written by hand
/// rather than with `String(format:)`, which is slow enough to matter when a chart has thousands of
/// marks, and so the output never depends on a locale.
enum ReportFormatting {
    /// `value` with exactly one decimal ("12.5", "-3.0"): SVG coordinates, where a tenth of a unit of
    /// a 1000-wide view box is finer than any screen shows.
    static func coordinate(_ value: Double) -> String {
        decimal(value, digits: 1)
    }

    /// `value` rounded to `digits` decimals (0 to 3), with no exponent and a "-" only when below zero.
    static func decimal(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "0" }
        let scale = [1.0, 10.0, 100.0, 1000.0][min(max(digits, 0), 3)]
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return value < 0 ? "-9e15" : "9e15" }
        let units = Int64(scaled)
        let sign = value < 0 && units != 0 ? "-" : ""
        guard digits > 0 else { return sign + String(units) }
        let whole = units / Int64(scale)
        let fraction = String(units % Int64(scale))
        let padding = String(repeating: "0", count: min(max(digits, 0), 3) - fraction.count)
        return sign + String(whole) + "." + padding + fraction
    }

    /// A duration for people: "850 ms", "4.2 s", "2 min 05 s".
    static func duration(milliseconds: UInt64) -> String {
        switch milliseconds {
        case ..<1000: return "\(milliseconds) ms"
        case ..<10_000: return decimal(Double(milliseconds) / 1000, digits: 2) + " s"
        case ..<60_000: return decimal(Double(milliseconds) / 1000, digits: 1) + " s"
        default:
            let seconds = milliseconds / 1000
            let rest = seconds % 60
            return "\(seconds / 60) min " + (rest < 10 ? "0" : "") + "\(rest) s"
        }
    }

    /// A time since the start of the run, as on the charts' axis: "t+12.3 s".
    static func runTime(milliseconds: UInt64) -> String {
        "t+" + decimal(Double(milliseconds) / 1000, digits: milliseconds < 10_000 ? 2 : 1) + " s"
    }

    /// Kibibytes as "37.5 MiB".
    static func mebibytes(kibibytes: UInt64) -> String {
        decimal(Double(kibibytes) / 1024, digits: 1) + " MiB"
    }
}
