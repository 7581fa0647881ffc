/// The axes both charts draw: time along the bottom with a grid line per tick, and the SVG element
/// that holds a chart.
enum SVGAxes {
    /// Opens a chart's `<svg>` of `height` view-box units. The namespace is the only URL in the page,
    /// and it is a name, not a resource: nothing is fetched from it.
    static func open(into out: inout String, height: Double, label: String) {
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\""
            + " viewBox=\"0 0 \(ReportFormatting.coordinate(ChartLayout.viewWidth)) \(ReportFormatting.coordinate(height))\""
            + " aria-label=\"\(HTMLEscaping.escape(label))\">\n"
    }

    static func close(into out: inout String) {
        out += "</svg>\n"
    }

    /// Grid lines from `plotTop` to `plotBottom` at each time tick, tick labels under the plot and the
    /// axis title under them.
    static func time(into out: inout String, scale: TimeScale, plotTop: Double, plotBottom: Double) {
        out += "<g class=\"axis\">"
        let top = ReportFormatting.coordinate(plotTop)
        let bottom = ReportFormatting.coordinate(plotBottom)
        let labelY = ReportFormatting.coordinate(plotBottom + 13)
        for tick in scale.ticks() {
            let x = ReportFormatting.coordinate(scale.x(tick.milliseconds))
            out += "<line class=\"grid\" x1=\"\(x)\" x2=\"\(x)\" y1=\"\(top)\" y2=\"\(bottom)\"/>"
            out += "<text x=\"\(x)\" y=\"\(labelY)\" text-anchor=\"middle\">\(tick.label)</text>"
        }
        let middle = ReportFormatting.coordinate(ChartLayout.plotLeft + ChartLayout.plotWidth / 2)
        out += "<text class=\"title\" x=\"\(middle)\" y=\"\(ReportFormatting.coordinate(plotBottom + 29))\""
            + " text-anchor=\"middle\">seconds since the start of the run</text></g>\n"
    }

    /// The frame around a plot.
    static func frame(into out: inout String, plotTop: Double, plotBottom: Double) {
        out += "<rect class=\"frame\" x=\"\(ReportFormatting.coordinate(ChartLayout.plotLeft))\""
            + " y=\"\(ReportFormatting.coordinate(plotTop))\" width=\"\(ReportFormatting.coordinate(ChartLayout.plotWidth))\""
            + " height=\"\(ReportFormatting.coordinate(plotBottom - plotTop))\"/>\n"
    }
}
