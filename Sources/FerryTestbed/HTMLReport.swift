/// Renders a run report as one self-contained HTML page (docs/TESTBED.md §Reports): the verdict, the
/// summary, the expectations, a timeline of the messages by path and their latency over time as
/// inline SVG with every fault marked, and the nodes. No scripts, fonts, images or links to fetch, so
/// it can be attached to a post-mortem and opened offline; every string from the report is escaped.
public enum HTMLReport {
    /// The whole page: no external resources, so it can be attached to a post-mortem and opened offline.
    public static func render(_ report: RunReport) -> String {
        let summary = ReportSummary(report.messages)
        let scale = TimeScale(report)
        var out = ""
        // About 230 bytes a mark for runs drawn message by message; a bucketed run stays far below.
        out.reserveCapacity(16_384 + min(report.messages.count, HTMLReportLimits.messageMarksMax) * 460)
        out += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>Ferry testbed: \(HTMLEscaping.escape(report.scenario)) — \(report.passed ? "PASS" : "FAIL")</title>\n"
            + "<style>\(HTMLReportStyle.css)</style></head>\n<body>\n"
        HTMLReportSections.header(into: &out, report)
        HTMLReportSections.summary(into: &out, report, summary)
        HTMLReportSections.expectations(into: &out, report)
        charts(into: &out, report, scale: scale)
        HTMLReportSections.troubles(into: &out, report)
        HTMLReportSections.nodes(into: &out, report)
        out += "<footer>ferry testbed report; times are from the start of the run on the runner's clock.</footer>\n"
            + "</body></html>\n"
        return out
    }

    private static func charts(into out: inout String, _ report: RunReport, scale: TimeScale) {
        let bucketed = report.messages.count > HTMLReportLimits.messageMarksMax
        out += "<section><h2>Timeline</h2>\n<p class=\"legend\">"
        for lane in MessageLane.shown(for: report.messages) {
            out += "<span class=\"key \(lane.name)\">\(lane.name)</span> "
        }
        out += "<span class=\"key fault\">fault</span></p>\n<p class=\"note\">"
        out += bucketed
            ? "\(report.messages.count) messages, more than \(HTMLReportLimits.messageMarksMax): each lane shows, in"
                + " \(HTMLReportLimits.timeBucketCount) steps across the run, the messages sent (bar up) and delivered (bar down)."
            : "Each message is a line from its send to its delivery, in the lane of the path it took; an undelivered"
                + " message's line is dashed to the end of the run. A shaded band runs from a fault to when traffic recovered."
        out += " Hover for details.</p>\n"
        SVGTimeline(report: report, scale: scale).render(into: &out)
        out += "</section>\n<section><h2>Latency over time</h2>\n<p class=\"note\">"
        out += bucketed
            ? "By send time: for the messages sent in each step, a line from the smallest to the largest latency and a dot"
                + " at the median, by path."
            : "Each delivered message is a dot at its send time and its latency; undelivered messages are ticks in the strip"
                + " above."
        out += " The latency axis is logarithmic.</p>\n"
        SVGLatencyPlot(report: report, scale: scale).render(into: &out)
        out += "</section>\n"
    }
}
