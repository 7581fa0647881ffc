import Foundation
import XCTest

@testable import FerryTestbed

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The HTML report (docs/TESTBED.md §Reports): its charts are well-formed XML, every message and fault
/// is drawn, strings from the report cannot inject markup, nothing is fetched, and a large run stays
/// small.
final class HTMLReportTests: XCTestCase {
    func testChartsAreWellFormedXMLWithOneMarkPerMessage() throws {
        let report = Self.report(messages: 120, faults: Self.faults)
        let page = HTMLReport.render(report)
        let charts = try Self.charts(in: page)
        XCTAssertEqual(charts.count, 2, "a timeline and a latency plot")
        let timeline = charts[0], latency = charts[1]
        XCTAssertEqual(timeline.elements.filter { $0.hasClass("msg") }.count, 120, "one line per message on the timeline")
        XCTAssertEqual(latency.elements.filter { $0.hasClass("pt") }.count, 120, "one mark per message on the latency plot")
        let undelivered = report.messages.filter { $0.deliveredMs == nil }.count
        XCTAssertGreaterThan(undelivered, 0)
        XCTAssertEqual(timeline.elements.filter { $0.hasClass("msg") && $0.hasClass("undelivered") }.count, undelivered)
        XCTAssertEqual(latency.elements.filter { $0.name == "circle" && $0.hasClass("pt") }.count, 120 - undelivered)
    }

    func testEveryFaultIsALineWithItsLabelOnBothCharts() throws {
        let page = HTMLReport.render(Self.report(messages: 40, faults: Self.faults))
        for chart in try Self.charts(in: page) {
            XCTAssertEqual(chart.faultGroups.count, Self.faults.count)
            for (group, fault) in zip(chart.faultGroups, Self.faults) {
                XCTAssertTrue(group.elements.contains { $0.name == "line" }, "a line for \(fault.description)")
                XCTAssertEqual(group.labels, [fault.description])
                XCTAssertTrue(group.title.contains(fault.description))
            }
        }
    }

    func testFaultsAtTheSameTimeGetLabelsOnDifferentRows() throws {
        let faults = [
            FaultRecord(atMs: 5000, kind: "kill", description: "kill coordinator c1"),
            FaultRecord(atMs: 5000, kind: "cut", description: "cut a–b"),
        ]
        let page = HTMLReport.render(Self.report(messages: 10, faults: faults))
        let chart = try XCTUnwrap(Self.charts(in: page).first)
        let rows = Set(chart.faultGroups.compactMap { $0.elements.first { $0.name == "text" }?.attributes["y"] })
        XCTAssertEqual(rows.count, 2)
    }

    func testHostileStringsAreEscapedEverywhere() throws {
        let hostile = "<script>alert('x')</script> & \"quoted\" <img src=x onerror=alert(1)>"
        var report = Self.report(messages: 5, faults: [FaultRecord(atMs: 100, kind: "kill", description: hostile, recoveryMs: 50)])
        report.scenario = hostile
        report.hosts = hostile
        report.startedAt = hostile
        report.expectations = [ExpectationResult(description: hostile, held: false, detail: hostile)]
        report.nodes = [NodeRecord(name: hostile, role: hostile, address: hostile, peakRssKiB: 1024, storedMessages: 3)]
        report.messages[0].id = "</title>" + hostile
        report.messages[0].path = hostile
        report.messages[1].from = hostile
        report.messages[1].deliveredMs = nil
        let page = HTMLReport.render(report)

        XCTAssertFalse(page.lowercased().contains("<script"), "no script element, injected or ours")
        XCTAssertFalse(page.contains("<img"))
        XCTAssertFalse(page.contains("</title><script"))
        XCTAssertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"))
        let charts = try Self.charts(in: page)
        // The parser decodes the entities back: the label reads as the text the report had.
        XCTAssertEqual(charts[0].faultGroups.first?.labels.first, HTMLEscaping.truncated(hostile, toCharacters: HTMLReportLimits.faultLabelCharactersMax))
        XCTAssertTrue(charts[0].faultGroups.first?.title.contains(hostile) ?? false)
        XCTAssertTrue(charts[0].titles.contains { $0.hasPrefix("</title>" + hostile) }, "the message id survives as text")
    }

    func testCharactersXMLCannotCarryAreReplaced() throws {
        let report = Self.report(messages: 3, faults: [FaultRecord(atMs: 10, kind: "cut", description: "bell\u{07} nul\u{00} tab\tend")])
        let page = HTMLReport.render(report)
        let chart = try XCTUnwrap(Self.charts(in: page).first)
        XCTAssertEqual(chart.faultGroups.first?.labels.first, "bell\u{FFFD} nul\u{FFFD} tab\tend")
    }

    func testNothingIsFetched() throws {
        var report = Self.report(messages: 50, faults: Self.faults)
        report.scenario = "see https://example.com/x and http://example.org"
        let page = HTMLReport.render(report)
        for pattern in [#"(?i)\b(src|href|srcset|action|poster|data)\s*="#, #"(?i)url\s*\("#, #"(?i)@import"#, #"(?i)<(link|script|iframe|object|embed|img|image|use)\b"#] {
            XCTAssertNil(page.range(of: pattern, options: .regularExpression), "the page has \(pattern)")
        }
        // The only URLs are the SVG namespace (a name, never fetched) and the escaped scenario text.
        let withoutNamespace = page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        let withoutText = withoutNamespace.replacingOccurrences(of: HTMLEscaping.escape(report.scenario), with: "")
        XCTAssertFalse(withoutText.contains("http://"))
        XCTAssertFalse(withoutText.contains("https://"))
    }

    func testALargeRunIsBucketedAndStaysSmall() throws {
        let count = 100_000
        let report = Self.report(messages: count, faults: Self.faults)
        let page = HTMLReport.render(report)
        XCTAssertLessThan(page.utf8.count, 1_000_000, "a 100,000-message page is \(page.utf8.count) bytes")
        let charts = try Self.charts(in: page)
        XCTAssertEqual(charts[0].elements.filter { $0.hasClass("msg") }.count, 0, "no line per message")
        let bars = charts[0].elements.filter { $0.hasClass("sent") }
        XCTAssertGreaterThan(bars.count, 0)
        XCTAssertLessThanOrEqual(bars.count, HTMLReportLimits.timeBucketCount * MessageLane.allCases.count)
        // Every message sent is counted in exactly one bar.
        let counted = charts[0].titles.filter { $0.contains(", sent ") }.compactMap { Int($0.split(separator: " ").last ?? "") }
        XCTAssertEqual(counted.reduce(0, +), count)
        for chart in charts { XCTAssertEqual(chart.faultGroups.count, Self.faults.count) }
    }

    func testARunAtTheMarkLimitStaysSmallToo() throws {
        let page = HTMLReport.render(Self.report(messages: HTMLReportLimits.messageMarksMax, faults: Self.faults))
        XCTAssertLessThan(page.utf8.count, 1_500_000, "a page at the mark limit is \(page.utf8.count) bytes")
        XCTAssertEqual(try Self.charts(in: page)[0].elements.filter { $0.hasClass("msg") }.count, HTMLReportLimits.messageMarksMax)
    }

    func testAnEmptyRunStillRenders() throws {
        let report = RunReport(
            scenario: "empty", seed: 1, hosts: "loopback", startedAt: "2026-01-01T00:00:00Z", durationMs: 0, messages: [],
            faults: [], expectations: [], nodes: [], passed: true)
        let page = HTMLReport.render(report)
        XCTAssertTrue(page.contains("PASS"))
        XCTAssertEqual(try Self.charts(in: page).count, 2)
    }

    func testTheHeaderAndSummaryCarryTheFigures() {
        var report = Self.report(messages: 10, faults: Self.faults)
        report.passed = false
        report.messages[2].duplicates = 2
        let page = HTMLReport.render(report)
        XCTAssertTrue(page.contains("<span class=\"verdict\">FAIL</span>"))
        let summary = ReportSummary(report.messages)
        XCTAssertTrue(page.contains("<b>\(summary.delivered)</b> of <b>10</b> delivered"))
        XCTAssertTrue(page.contains("<b>2</b> duplicate copies (1 messages)"))
        XCTAssertTrue(page.contains("✓") && page.contains("✗"))
        XCTAssertTrue(page.contains("<td>1.50 s</td>"), "kill coordinator's recovery in the fault table")
    }

    func testPercentilesByPath() {
        let messages = (1...100).map { MessageRecord(id: "m\($0)", from: "a", to: "b", sentMs: 0, deliveredMs: UInt64($0), path: $0 <= 50 ? "direct" : "mesh") }
            + [MessageRecord(id: "lost", from: "a", to: "b", sentMs: 0)]
        let summary = ReportSummary(messages)
        XCTAssertEqual(summary.sent, 101)
        XCTAssertEqual(summary.delivered, 100)
        XCTAssertEqual(summary.latencyByPath.map(\.path), ["direct", "mesh", "all"])
        XCTAssertEqual(summary.latencyByPath[0].p50Ms, 25)
        XCTAssertEqual(summary.latencyByPath[0].p99Ms, 50)
        XCTAssertEqual(summary.latencyByPath[1].p50Ms, 75)
        XCTAssertEqual(summary.latencyByPath[2].p50Ms, 50)
        XCTAssertEqual(summary.latencyByPath[2].p99Ms, 99)
        XCTAssertEqual(summary.latencyByPath[2].maxMs, 100)
    }

    func testNumbersAreFormattedWithoutALocale() {
        XCTAssertEqual(ReportFormatting.decimal(12.34, digits: 1), "12.3")
        XCTAssertEqual(ReportFormatting.decimal(-0.04, digits: 1), "0.0")
        XCTAssertEqual(ReportFormatting.decimal(-2.5, digits: 2), "-2.50")
        XCTAssertEqual(ReportFormatting.decimal(1.005, digits: 3), "1.005")
        XCTAssertEqual(ReportFormatting.decimal(7, digits: 0), "7")
        XCTAssertEqual(ReportFormatting.duration(milliseconds: 850), "850 ms")
        XCTAssertEqual(ReportFormatting.duration(milliseconds: 4200), "4.20 s")
        XCTAssertEqual(ReportFormatting.duration(milliseconds: 125_000), "2 min 05 s")
    }

    // MARK: - A report to draw

    static let faults = [
        FaultRecord(atMs: 3000, kind: "kill", description: "kill coordinator c1", recoveryMs: 1500),
        FaultRecord(atMs: 6000, kind: "cut", description: "cut a–b", recoveryMs: nil),
        FaultRecord(atMs: 9000, kind: "restart", description: "restart coordinator c1", recoveryMs: 300),
    ]

    /// `count` messages over 12 s, a mix of paths and latencies from a fixed pattern, every 17th
    /// undelivered.
    static func report(messages count: Int, faults: [FaultRecord]) -> RunReport {
        let paths = ["direct", "coordinator", "mesh"]
        let messages = (0..<count).map { index -> MessageRecord in
            let sent = UInt64(index) * 12_000 / UInt64(max(count, 1))
            guard index % 17 != 5 else { return MessageRecord(id: "m\(index)", from: "a", to: "b", sentMs: sent) }
            let latency = UInt64(2 + (index * 7919) % 4000)
            return MessageRecord(
                id: "m\(index)", from: "a", to: "b", sentMs: sent, deliveredMs: sent + latency, path: paths[index % 3],
                hops: index % 3 + 1)
        }
        return RunReport(
            scenario: "coordinator outage", seed: 42, hosts: "loopback", startedAt: "2026-01-02T03:04:05Z",
            durationMs: 16_000, messages: messages, faults: faults,
            expectations: [
                ExpectationResult(description: "all delivered within 10 s", held: false, detail: "some missing"),
                ExpectationResult(description: "no duplicates", held: true, detail: ""),
            ],
            nodes: [NodeRecord(name: "a", role: "node", address: "fa11", peakRssKiB: 38_400, storedMessages: 0)],
            passed: false)
    }

    // MARK: - Reading the charts back

    /// Each `<svg>…</svg>` of the page, parsed as XML.
    static func charts(in page: String) throws -> [ParsedSVG] {
        var charts: [ParsedSVG] = []
        var rest = page[...]
        while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            let text = String(rest[start.lowerBound..<end.upperBound])
            charts.append(try ParsedSVG(text))
            rest = rest[end.upperBound...]
        }
        return charts
    }
}

/// An SVG read with Foundation's XMLParser: its elements in document order, with their classes, the
/// text of every `<title>`, and the fault groups.
struct ParsedSVG {
    struct Element {
        var name: String
        var attributes: [String: String]
        func hasClass(_ name: String) -> Bool {
            (attributes["class"] ?? "").split(separator: " ").contains { $0 == name }
        }
    }
    struct FaultGroup {
        var elements: [Element] = []
        var labels: [String] = []
        var title = ""
    }

    var elements: [Element] = []
    var titles: [String] = []
    var faultGroups: [FaultGroup] = []

    init(_ text: String) throws {
        let reader = SVGReader()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = reader
        guard parser.parse() else {
            throw NSError(domain: "ParsedSVG", code: 1, userInfo: [NSLocalizedDescriptionKey: "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?")"])
        }
        elements = reader.elements
        titles = reader.titles
        faultGroups = reader.faultGroups
    }
}

private final class SVGReader: NSObject, XMLParserDelegate {
    var elements: [ParsedSVG.Element] = []
    var titles: [String] = []
    var faultGroups: [ParsedSVG.FaultGroup] = []
    private var stack: [String] = []
    private var text = ""
    private var inFault = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        let element = ParsedSVG.Element(name: name, attributes: attributes)
        elements.append(element)
        if name == "g" && element.hasClass("fault") {
            inFault = true
            faultGroups.append(ParsedSVG.FaultGroup())
        } else if inFault {
            faultGroups[faultGroups.count - 1].elements.append(element)
        }
        stack.append(name)
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
        if name == "title" {
            titles.append(text)
            if inFault { faultGroups[faultGroups.count - 1].title = text }
        } else if name == "text" && inFault {
            faultGroups[faultGroups.count - 1].labels.append(text)
        } else if name == "g" && inFault {
            inFault = false
        }
        text = ""
    }
}
