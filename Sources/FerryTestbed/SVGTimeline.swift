/// The timeline chart: time across, one lane per path (direct, coordinator, mesh, undelivered). Each
/// message is a line from its send to its delivery in the lane of the path it took, with a round end
/// at each; an undelivered message's line is dashed and runs to the end of the run. Messages in a
/// lane take turns over a few rows so that a burst does not draw one thick bar. Beyond
/// `HTMLReportLimits.messageMarksMax` messages each lane shows instead, per time bucket, a bar up for
/// the messages sent and a bar down for those delivered. Faults are vertical lines with their labels
/// above the lanes, and a faint band runs from each fault to when traffic recovered.
struct SVGTimeline {
    static let laneHeight = 64.0
    static let rowsPerLane = 14
    static let rowPitch = 3.8
    static let firstRowOffset = 7.0

    let report: RunReport
    let scale: TimeScale

    func render(into out: inout String) {
        let lanes = MessageLane.shown(for: report.messages)
        let faults = SVGFaultMarks(report.faults, scale: scale)
        let bandTop = 4.0
        let plotTop = bandTop + faults.labelBandHeight + 2
        let plotBottom = plotTop + Double(lanes.count) * Self.laneHeight
        let laneTop = Dictionary(uniqueKeysWithValues: lanes.enumerated().map { ($1, plotTop + Double($0) * Self.laneHeight) })

        SVGAxes.open(into: &out, height: plotBottom + ChartLayout.axisHeight, label: "timeline of messages by path")
        renderLanes(into: &out, lanes: lanes, laneTop: laneTop)
        SVGAxes.time(into: &out, scale: scale, plotTop: plotTop, plotBottom: plotBottom)
        faults.render(into: &out, bandTop: bandTop, plotTop: plotTop, plotBottom: plotBottom, recoveryBands: true)
        if report.messages.count <= HTMLReportLimits.messageMarksMax {
            renderMessages(into: &out, laneTop: laneTop)
        } else {
            renderBuckets(into: &out, lanes: lanes, laneTop: laneTop)
        }
        SVGAxes.frame(into: &out, plotTop: plotTop, plotBottom: plotBottom)
        SVGAxes.close(into: &out)
    }

    private func renderLanes(into out: inout String, lanes: [MessageLane], laneTop: [MessageLane: Double]) {
        for (index, lane) in lanes.enumerated() {
            let top = laneTop[lane] ?? 0
            out += "<rect class=\"lane\(index % 2 == 1 ? " alt" : "")\" x=\"\(ReportFormatting.coordinate(ChartLayout.plotLeft))\""
                + " y=\"\(ReportFormatting.coordinate(top))\" width=\"\(ReportFormatting.coordinate(ChartLayout.plotWidth))\""
                + " height=\"\(ReportFormatting.coordinate(Self.laneHeight))\"/>"
            out += "<text class=\"lane-name \(lane.name)\" x=\"\(ReportFormatting.coordinate(ChartLayout.plotLeft - 8))\""
                + " y=\"\(ReportFormatting.coordinate(top + Self.laneHeight / 2 + 4))\" text-anchor=\"end\">\(lane.name)</text>\n"
        }
    }

    /// One line per message, in send order, each lane cycling through its rows.
    private func renderMessages(into out: inout String, laneTop: [MessageLane: Double]) {
        let messages = report.messages
        let order = messages.indices.sorted { (messages[$0].sentMs, $0) < (messages[$1].sentMs, $1) }
        var placed: [MessageLane: Int] = [:]
        for index in order {
            let message = messages[index]
            let lane = MessageLane(message)
            let row = placed[lane, default: 0] % Self.rowsPerLane
            placed[lane, default: 0] += 1
            let y = ReportFormatting.coordinate((laneTop[lane] ?? 0) + Self.firstRowOffset + Double(row) * Self.rowPitch)
            let x1 = ReportFormatting.coordinate(scale.x(message.sentMs))
            let x2 = ReportFormatting.coordinate(scale.x(message.deliveredMs ?? scale.endMs))
            out += "<line class=\"msg \(lane.name)\" x1=\"\(x1)\" x2=\"\(x2)\" y1=\"\(y)\" y2=\"\(y)\"><title>"
                + HTMLEscaping.escape(Self.tooltip(message)) + "</title></line>\n"
        }
    }

    /// Per lane and bucket: a bar up for messages sent, a bar down for messages delivered, each
    /// scaled to the lane's busiest bucket.
    private func renderBuckets(into out: inout String, lanes: [MessageLane], laneTop: [MessageLane: Double]) {
        let buckets = MessageBuckets(report.messages, scale: scale)
        let width = ChartLayout.plotWidth / Double(buckets.bucketCount)
        let half = Self.laneHeight / 2 - 5
        for lane in lanes {
            let sent = buckets.sent[lane] ?? []
            let delivered = buckets.delivered[lane] ?? []
            let most = Double(max(sent.max() ?? 0, delivered.max() ?? 0, 1))
            let centre = (laneTop[lane] ?? 0) + Self.laneHeight / 2
            for index in 0..<buckets.bucketCount {
                let span = Self.bucketSpan(buckets, index)
                let x = ReportFormatting.coordinate(ChartLayout.plotLeft + Double(index) * width)
                let w = ReportFormatting.coordinate(max(width - 0.6, 0.6))
                if sent[index] > 0 {
                    let height = max(half * Double(sent[index]) / most, 1)
                    out += "<rect class=\"sent \(lane.name)\" x=\"\(x)\" y=\"\(ReportFormatting.coordinate(centre - height))\""
                        + " width=\"\(w)\" height=\"\(ReportFormatting.coordinate(height))\"><title>\(lane.name), sent \(span):"
                        + " \(sent[index])</title></rect>\n"
                }
                if delivered[index] > 0 {
                    let height = max(half * Double(delivered[index]) / most, 1)
                    out += "<rect class=\"dlv \(lane.name)\" x=\"\(x)\" y=\"\(ReportFormatting.coordinate(centre))\""
                        + " width=\"\(w)\" height=\"\(ReportFormatting.coordinate(height))\"><title>\(lane.name), delivered"
                        + " \(span): \(delivered[index])</title></rect>\n"
                }
            }
        }
    }

    /// "t+1.20 s – t+1.35 s" for a bucket.
    static func bucketSpan(_ buckets: MessageBuckets, _ index: Int) -> String {
        ReportFormatting.runTime(milliseconds: buckets.startMs(index)) + " – "
            + ReportFormatting.runTime(milliseconds: buckets.endMs(index))
    }

    /// "id a → b: sent t+1.20 s, delivered t+1.50 s by mesh, 3 hops (300 ms)".
    static func tooltip(_ message: MessageRecord) -> String {
        var text = "\(message.id) \(message.from) → \(message.to): sent \(ReportFormatting.runTime(milliseconds: message.sentMs))"
        guard let delivered = message.deliveredMs else { return text + ", not delivered" }
        text += ", delivered \(ReportFormatting.runTime(milliseconds: delivered)) by \(message.path ?? "an unknown path")"
        if let hops = message.hops { text += ", \(hops) hop" + (hops == 1 ? "" : "s") }
        text += " (\(ReportFormatting.duration(milliseconds: message.latencyMs ?? 0)))"
        if message.duplicates > 0 { text += ", \(message.duplicates) duplicate" + (message.duplicates == 1 ? "" : "s") }
        return text
    }
}
