/// The latency chart: each delivered message as a dot at its send time (x) and its latency (y, on a
/// logarithmic axis), coloured by path; undelivered messages as red ticks in a strip above the plot.
/// Beyond `HTMLReportLimits.messageMarksMax` messages it draws, per time bucket and path, a line from
/// the smallest to the largest latency of the messages sent in that bucket with a dot at the median,
/// and a tick for each bucket that has undelivered messages. Faults are vertical lines with labels,
/// at the same x as on the timeline.
struct SVGLatencyPlot {
    static let plotHeight = 260.0
    /// The strip of undelivered marks above the plot, and the gap under it (room for the top tick label).
    static let undeliveredStripHeight = 14.0
    static let stripGap = 8.0

    let report: RunReport
    let scale: TimeScale

    func render(into out: inout String) {
        let faults = SVGFaultMarks(report.faults, scale: scale)
        let bandTop = 4.0
        let stripTop = bandTop + faults.labelBandHeight + 2
        let plotTop = stripTop + Self.undeliveredStripHeight + Self.stripGap
        let plotBottom = plotTop + Self.plotHeight
        let latency = LatencyScale(latencies: report.messages.compactMap(\.latencyMs), top: plotTop, height: Self.plotHeight)

        SVGAxes.open(into: &out, height: plotBottom + ChartLayout.axisHeight, label: "latency of each message over time")
        renderLatencyAxis(into: &out, latency: latency, stripTop: stripTop)
        SVGAxes.time(into: &out, scale: scale, plotTop: stripTop, plotBottom: plotBottom)
        faults.render(into: &out, bandTop: bandTop, plotTop: stripTop, plotBottom: plotBottom, recoveryBands: false)
        if report.messages.count <= HTMLReportLimits.messageMarksMax {
            renderMessages(into: &out, latency: latency, stripTop: stripTop)
        } else {
            renderBuckets(into: &out, latency: latency, stripTop: stripTop)
        }
        SVGAxes.frame(into: &out, plotTop: plotTop, plotBottom: plotBottom)
        SVGAxes.close(into: &out)
    }

    private func renderLatencyAxis(into out: inout String, latency: LatencyScale, stripTop: Double) {
        let left = ReportFormatting.coordinate(ChartLayout.plotLeft)
        let right = ReportFormatting.coordinate(ChartLayout.plotRight)
        out += "<g class=\"axis\"><rect class=\"strip\" x=\"\(left)\" y=\"\(ReportFormatting.coordinate(stripTop))\""
            + " width=\"\(ReportFormatting.coordinate(ChartLayout.plotWidth))\""
            + " height=\"\(ReportFormatting.coordinate(Self.undeliveredStripHeight))\"/>"
            + "<text x=\"\(ReportFormatting.coordinate(ChartLayout.plotLeft - 8))\""
            + " y=\"\(ReportFormatting.coordinate(stripTop + 11))\" text-anchor=\"end\">undelivered</text>"
        for tick in latency.ticks() {
            let y = ReportFormatting.coordinate(latency.y(tick.milliseconds))
            out += "<line class=\"grid\" x1=\"\(left)\" x2=\"\(right)\" y1=\"\(y)\" y2=\"\(y)\"/>"
            out += "<text x=\"\(ReportFormatting.coordinate(ChartLayout.plotLeft - 8))\" y=\"\(y)\""
                + " dy=\"4\" text-anchor=\"end\">\(tick.label)</text>"
        }
        out += "<text class=\"title\" x=\"14\" y=\"\(ReportFormatting.coordinate(latency.top + latency.height / 2))\""
            + " text-anchor=\"middle\" transform=\"rotate(-90 14 \(ReportFormatting.coordinate(latency.top + latency.height / 2)))\">"
            + "latency (log)</text></g>\n"
    }

    /// A dot per delivered message, a tick per undelivered one.
    private func renderMessages(into out: inout String, latency: LatencyScale, stripTop: Double) {
        let tickTop = ReportFormatting.coordinate(stripTop + 2)
        let tickBottom = ReportFormatting.coordinate(stripTop + Self.undeliveredStripHeight - 2)
        for message in report.messages {
            let lane = MessageLane(message)
            let x = ReportFormatting.coordinate(scale.x(message.sentMs))
            let tooltip = "<title>" + HTMLEscaping.escape(SVGTimeline.tooltip(message)) + "</title>"
            if let milliseconds = message.latencyMs {
                out += "<circle class=\"pt \(lane.name)\" cx=\"\(x)\" cy=\"\(ReportFormatting.coordinate(latency.y(milliseconds)))\""
                    + " r=\"2.2\">\(tooltip)</circle>\n"
            } else {
                out += "<line class=\"pt undelivered\" x1=\"\(x)\" x2=\"\(x)\" y1=\"\(tickTop)\" y2=\"\(tickBottom)\">"
                    + "\(tooltip)</line>\n"
            }
        }
    }

    /// Per bucket and path: smallest to largest latency as a line, the median as a dot, the paths a
    /// little apart within the bucket so they do not hide each other; a tick per bucket with
    /// undelivered messages.
    private func renderBuckets(into out: inout String, latency: LatencyScale, stripTop: Double) {
        let buckets = MessageBuckets(report.messages, scale: scale)
        let width = ChartLayout.plotWidth / Double(buckets.bucketCount)
        for index in 0..<buckets.bucketCount {
            let span = SVGTimeline.bucketSpan(buckets, index)
            let centre = ChartLayout.plotLeft + (Double(index) + 0.5) * width
            let x = ReportFormatting.coordinate(centre)
            for lane in MessageLane.allCases where lane != .undelivered {
                let laneX = ReportFormatting.coordinate(centre + (Double(lane.rawValue) - 1) * width / 4)
                let values = (buckets.latencies[lane] ?? [])[index].sorted()
                guard let low = values.first, let high = values.last else { continue }
                let median = ReportSummary.percentile(values, 0.5)
                let title = "<title>\(lane.name), sent \(span): \(values.count) delivered, latency min "
                    + "\(ReportFormatting.duration(milliseconds: low)), p50 \(ReportFormatting.duration(milliseconds: median)),"
                    + " p99 \(ReportFormatting.duration(milliseconds: ReportSummary.percentile(values, 0.99))),"
                    + " max \(ReportFormatting.duration(milliseconds: high))</title>"
                out += "<g class=\"pt \(lane.name)\">\(title)<line class=\"spread\" x1=\"\(laneX)\" x2=\"\(laneX)\""
                    + " y1=\"\(ReportFormatting.coordinate(latency.y(low)))\" y2=\"\(ReportFormatting.coordinate(latency.y(high)))\"/>"
                    + "<circle cx=\"\(laneX)\" cy=\"\(ReportFormatting.coordinate(latency.y(median)))\" r=\"2.2\"/></g>\n"
            }
            let missing = (buckets.sent[.undelivered] ?? [])[index]
            if missing > 0 {
                out += "<line class=\"pt undelivered\" x1=\"\(x)\" x2=\"\(x)\" y1=\"\(ReportFormatting.coordinate(stripTop + 2))\""
                    + " y2=\"\(ReportFormatting.coordinate(stripTop + Self.undeliveredStripHeight - 2))\">"
                    + "<title>sent \(span): \(missing) not delivered</title></line>\n"
            }
        }
    }
}
