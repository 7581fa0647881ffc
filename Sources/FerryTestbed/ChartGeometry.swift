import Foundation

/// Limits and layout of the HTML report's charts, in one place (docs/TESTBED.md §Reports).
enum HTMLReportLimits {
    /// Up to this many messages each gets a mark of its own on both charts; beyond it both charts
    /// draw time buckets instead (counts on the timeline, latency percentiles on the plot), so a run
    /// of 100,000 messages still makes a page of a few hundred kilobytes that opens at once.
    static let messageMarksMax = 2000
    /// Time buckets across the run when messages are aggregated: about one per 4 px of the plot.
    static let timeBucketCount = 200
    /// Fault labels drawn on a chart are cut to this many characters; the tooltip has the whole text.
    static let faultLabelCharactersMax = 36
    /// Rows of fault labels above a chart; labels that fit in none share the emptiest.
    static let faultLabelRowsMax = 4
    /// Undelivered and duplicated messages listed by id below the charts, each list cut here.
    static let listedMessagesMax = 50
}

/// The horizontal layout both charts share, so a fault is at the same x on each. Coordinates are in
/// the SVG view box, 1000 units wide; the page scales it to the window.
enum ChartLayout {
    static let viewWidth = 1000.0
    /// Room on the left for lane names and latency labels.
    static let plotLeft = 112.0
    static let plotRight = 985.0
    static var plotWidth: Double { plotRight - plotLeft }
    /// Height of one fault label row, and the font size of chart text.
    static let labelRowHeight = 14.0
    /// Room below a plot for the time axis' labels and title.
    static let axisHeight = 34.0
}

/// Maps milliseconds since the start of the run to x. The span covers the whole run, every delivery
/// and every fault, so nothing is drawn outside the plot.
struct TimeScale {
    let spanMs: Double

    init(_ report: RunReport) {
        var end = report.durationMs
        for message in report.messages {
            end = max(end, message.deliveredMs ?? message.sentMs)
        }
        for fault in report.faults {
            end = max(end, fault.atMs)
        }
        spanMs = Double(max(end, 1))
    }

    func x(_ milliseconds: UInt64) -> Double {
        ChartLayout.plotLeft + ChartLayout.plotWidth * min(Double(milliseconds) / spanMs, 1)
    }

    /// The end of the run, where undelivered messages' lines stop.
    var endMs: UInt64 { UInt64(spanMs) }

    /// About eight ticks at a round step (1, 2 or 5 × 10^k ms), labelled in seconds.
    func ticks() -> [(milliseconds: UInt64, label: String)] {
        let raw = max(spanMs / 8, 1)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let stepMs = max(UInt64(step), 1)
        let digits = stepMs >= 1000 ? 0 : stepMs >= 100 ? 1 : stepMs >= 10 ? 2 : 3
        return stride(from: UInt64(0), through: UInt64(spanMs), by: Int(stepMs)).map {
            ($0, ReportFormatting.decimal(Double($0) / 1000, digits: digits))
        }
    }
}

/// Maps a latency to y on a logarithmic axis, so a 3 ms direct delivery and a 40 s catch-up after a
/// partition are both readable on one plot. Latencies under 1 ms are drawn at 1 ms.
struct LatencyScale {
    let top: Double
    let height: Double
    /// Powers of ten at the bottom and top of the axis, in milliseconds.
    let lowExponent: Int
    let highExponent: Int

    init(latencies: [UInt64], top: Double, height: Double) {
        self.top = top
        self.height = height
        let smallest = max(latencies.min() ?? 1, 1)
        let largest = max(latencies.max() ?? 1000, 1)
        let low = Int(floor(log10(Double(smallest))))
        lowExponent = low
        highExponent = max(Int(ceil(log10(Double(largest)))), low + 1)
    }

    func y(_ milliseconds: UInt64) -> Double {
        let value = log10(Double(max(milliseconds, 1)))
        let fraction = (value - Double(lowExponent)) / Double(highExponent - lowExponent)
        return top + height * (1 - min(max(fraction, 0), 1))
    }

    /// One tick per power of ten: "1 ms", "10 ms", "100 ms", "1 s", "10 s", ...
    func ticks() -> [(milliseconds: UInt64, label: String)] {
        (lowExponent...highExponent).map { exponent in
            let milliseconds = UInt64(pow(10, Double(exponent)))
            let label = exponent < 3 ? "\(milliseconds) ms" : "\(milliseconds / 1000) s"
            return (milliseconds, label)
        }
    }
}
