/// Every fault of a run drawn on a chart: a vertical line where it happened across the plot, and its
/// label above the plot. Both charts draw the same marks at the same x. Labels are placed in rows so
/// that faults close in time do not print over each other.
struct SVGFaultMarks {
    private let faults: [FaultRecord]
    private let scale: TimeScale
    /// The label row of each fault, in `faults` order.
    private let rows: [Int]
    /// Label rows used (0 when there are no faults).
    let rowCount: Int

    init(_ faults: [FaultRecord], scale: TimeScale) {
        // In time order, so each label only has to clear the one before it in its row.
        let faults = faults.enumerated().sorted { ($0.element.atMs, $0.offset) < ($1.element.atMs, $1.offset) }.map(\.element)
        self.faults = faults
        self.scale = scale
        var rowEnds: [Double] = []
        var rows: [Int] = []
        for fault in faults {
            let x = scale.x(fault.atMs)
            let row = rowEnds.firstIndex { $0 < x }
                ?? (rowEnds.count < HTMLReportLimits.faultLabelRowsMax ? rowEnds.count : Self.emptiest(rowEnds))
            if row == rowEnds.count { rowEnds.append(0) }
            rowEnds[row] = x + Self.labelWidth(fault) + 8
            rows.append(row)
        }
        self.rows = rows
        rowCount = rowEnds.count
    }

    /// Height of the band of labels above the plot.
    var labelBandHeight: Double { Double(rowCount) * ChartLayout.labelRowHeight + (rowCount > 0 ? 4 : 0) }

    /// The marks: labels from `bandTop` down, lines from `plotTop` to `plotBottom`. With
    /// `recoveryBands` a faint band also runs from each fault to when traffic recovered.
    func render(into out: inout String, bandTop: Double, plotTop: Double, plotBottom: Double, recoveryBands: Bool) {
        for (index, fault) in faults.enumerated() {
            let x = scale.x(fault.atMs)
            let xText = ReportFormatting.coordinate(x)
            out += "<g class=\"fault\"><title>\(HTMLEscaping.escape(Self.tooltip(fault)))</title>"
            if recoveryBands, let recovery = fault.recoveryMs, recovery > 0 {
                let width = scale.x(fault.atMs + recovery) - x
                out += "<rect class=\"recovery\" x=\"\(xText)\" y=\"\(ReportFormatting.coordinate(plotTop))\""
                    + " width=\"\(ReportFormatting.coordinate(width))\""
                    + " height=\"\(ReportFormatting.coordinate(plotBottom - plotTop))\"/>"
            }
            out += "<line x1=\"\(xText)\" x2=\"\(xText)\" y1=\"\(ReportFormatting.coordinate(plotTop))\""
                + " y2=\"\(ReportFormatting.coordinate(plotBottom))\"/>"
            let baseline = bandTop + Double(rows[index] + 1) * ChartLayout.labelRowHeight - 3
            let anchorEnd = x + Self.labelWidth(fault) > ChartLayout.viewWidth
            out += "<text x=\"\(ReportFormatting.coordinate(anchorEnd ? x - 2 : x + 2))\""
                + " y=\"\(ReportFormatting.coordinate(baseline))\"\(anchorEnd ? " text-anchor=\"end\"" : "")>"
                + HTMLEscaping.escape(Self.label(fault)) + "</text></g>\n"
        }
    }

    /// The text drawn above the chart: the description, cut short.
    static func label(_ fault: FaultRecord) -> String {
        let text = fault.description.isEmpty ? fault.kind : fault.description
        return HTMLEscaping.truncated(text, toCharacters: HTMLReportLimits.faultLabelCharactersMax)
    }

    static func tooltip(_ fault: FaultRecord) -> String {
        let recovery = fault.recoveryMs.map { "recovered in " + ReportFormatting.duration(milliseconds: $0) }
            ?? "no delivery of a message sent after it"
        return "\(ReportFormatting.runTime(milliseconds: fault.atMs)) \(fault.kind): \(fault.description) (\(recovery))"
    }

    /// An estimate of the label's width at the chart's 11-unit font: labels are short, and a row only
    /// needs to know roughly where the previous label ends.
    private static func labelWidth(_ fault: FaultRecord) -> Double {
        Double(label(fault).count) * 6.2 + 4
    }

    private static func emptiest(_ rowEnds: [Double]) -> Int {
        rowEnds.indices.min { rowEnds[$0] < rowEnds[$1] } ?? 0
    }
}
