/// The HTML report's sections other than the charts: the header with the verdict, the summary
/// figures, the expectations, the nodes, and the messages that went wrong. Every string from the
/// report goes through `HTMLEscaping.escape`; numbers are formatted here.
enum HTMLReportSections {
    static func header(into out: inout String, _ report: RunReport) {
        let verdict = report.passed ? "PASS" : "FAIL"
        out += "<header class=\"\(report.passed ? "pass" : "fail")\"><h1>\(HTMLEscaping.escape(report.scenario))"
            + " <span class=\"verdict\">\(verdict)</span></h1>\n<dl>"
        let fields: [(String, String)] = [
            ("seed", String(report.seed)), ("hosts", report.hosts), ("started", report.startedAt),
            ("duration", ReportFormatting.duration(milliseconds: report.durationMs)),
            ("nodes", String(report.nodes.count)), ("faults", String(report.faults.count)),
        ]
        for (name, value) in fields {
            out += "<div><dt>\(name)</dt><dd>\(HTMLEscaping.escape(value))</dd></div>"
        }
        out += "</dl></header>\n"
    }

    static func summary(into out: inout String, _ report: RunReport, _ summary: ReportSummary) {
        let percent = summary.sent == 0 ? "–" : ReportFormatting.decimal(Double(summary.delivered) / Double(summary.sent) * 100, digits: 1) + " %"
        out += "<section><h2>Summary</h2>\n<p class=\"figures\"><span><b>\(summary.delivered)</b> of"
            + " <b>\(summary.sent)</b> delivered (\(percent))</span> <span><b>\(summary.duplicateCopies)</b> duplicate"
            + " \(summary.duplicateCopies == 1 ? "copy" : "copies") (\(summary.duplicatedMessages) messages)</span></p>\n"
        out += "<table><caption>Latency by path (send → recipient's inbox)</caption>"
            + "<tr><th>path</th><th>delivered</th><th>p50</th><th>p99</th><th>max</th></tr>\n"
        for row in summary.latencyByPath {
            out += "<tr><td class=\"path \(cssClass(path: row.path))\">\(HTMLEscaping.escape(row.path))</td>"
                + "<td>\(row.delivered)</td><td>\(ReportFormatting.duration(milliseconds: row.p50Ms))</td>"
                + "<td>\(ReportFormatting.duration(milliseconds: row.p99Ms))</td>"
                + "<td>\(ReportFormatting.duration(milliseconds: row.maxMs))</td></tr>\n"
        }
        if summary.latencyByPath.isEmpty { out += "<tr><td colspan=\"5\">no message was delivered</td></tr>\n" }
        out += "</table>\n"
        faults(into: &out, report.faults)
        out += "</section>\n"
    }

    /// Each fault with the time until traffic recovered after it.
    private static func faults(into out: inout String, _ faults: [FaultRecord]) {
        out += "<table><caption>Faults and recovery (first delivery of a message sent at or after the fault)</caption>"
            + "<tr><th>at</th><th>kind</th><th>fault</th><th>recovery</th></tr>\n"
        // In time order, as the charts draw them; faults at the same moment keep the report's order.
        let ordered = faults.enumerated().sorted { ($0.element.atMs, $0.offset) < ($1.element.atMs, $1.offset) }.map(\.element)
        for fault in ordered {
            let recovery = fault.recoveryMs.map { ReportFormatting.duration(milliseconds: $0) } ?? "none"
            out += "<tr><td>\(ReportFormatting.runTime(milliseconds: fault.atMs))</td><td>\(HTMLEscaping.escape(fault.kind))</td>"
                + "<td>\(HTMLEscaping.escape(fault.description))</td><td>\(recovery)</td></tr>\n"
        }
        if faults.isEmpty { out += "<tr><td colspan=\"4\">no faults</td></tr>\n" }
        out += "</table>\n"
    }

    static func expectations(into out: inout String, _ report: RunReport) {
        out += "<section><h2>Expectations</h2>\n<ul class=\"expectations\">\n"
        for expectation in report.expectations {
            out += "<li class=\"\(expectation.held ? "held" : "broken")\"><span class=\"mark\">"
                + "\(expectation.held ? "✓" : "✗")</span> \(HTMLEscaping.escape(expectation.description))"
            if !expectation.detail.isEmpty {
                out += "<div class=\"detail\">\(HTMLEscaping.escape(expectation.detail))</div>"
            }
            out += "</li>\n"
        }
        if report.expectations.isEmpty { out += "<li>the scenario states no expectations</li>\n" }
        out += "</ul></section>\n"
    }

    static func nodes(into out: inout String, _ report: RunReport) {
        out += "<section><h2>Nodes</h2>\n<table><tr><th>name</th><th>role</th><th>address</th>"
            + "<th>peak RSS</th><th>messages held at the end</th></tr>\n"
        for node in report.nodes {
            let rss = node.peakRssKiB.map { ReportFormatting.mebibytes(kibibytes: $0) } ?? "–"
            let stored = node.storedMessages.map(String.init) ?? "–"
            out += "<tr><td>\(HTMLEscaping.escape(node.name))</td><td>\(HTMLEscaping.escape(node.role))</td>"
                + "<td class=\"id\">\(HTMLEscaping.escape(node.address))</td><td>\(rss)</td><td>\(stored)</td></tr>\n"
        }
        out += "</table></section>\n"
    }

    /// Undelivered and duplicated messages by id, each list cut at `HTMLReportLimits.listedMessagesMax`.
    static func troubles(into out: inout String, _ report: RunReport) {
        let undelivered = report.messages.filter { $0.deliveredMs == nil }
        let duplicated = report.messages.filter { $0.duplicates > 0 }
        guard !undelivered.isEmpty || !duplicated.isEmpty else { return }
        out += "<section><h2>Messages that went wrong</h2>\n"
        list(into: &out, "Not delivered", undelivered)
        list(into: &out, "Shown more than once", duplicated)
        out += "</section>\n"
    }

    private static func list(into out: inout String, _ title: String, _ messages: [MessageRecord]) {
        guard !messages.isEmpty else { return }
        out += "<h3>\(title) (\(messages.count))</h3>\n<ul class=\"messages\">\n"
        for message in messages.prefix(HTMLReportLimits.listedMessagesMax) {
            out += "<li>\(HTMLEscaping.escape(SVGTimeline.tooltip(message)))</li>\n"
        }
        if messages.count > HTMLReportLimits.listedMessagesMax {
            out += "<li>and \(messages.count - HTMLReportLimits.listedMessagesMax) more (the JSON report has them all)</li>\n"
        }
        out += "</ul>\n"
    }

    /// The CSS class that colours a path in the latency table: a known lane's name, else `other`.
    private static func cssClass(path: String) -> String {
        switch path {
        case "direct", "coordinator", "mesh": return path
        case "all": return "all"
        default: return "other"
        }
    }
}
