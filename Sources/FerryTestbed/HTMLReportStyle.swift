/// The report page's inline style sheet: no fonts or images to fetch, system fonts only. Path colours
/// are chosen to stay apart for the common kinds of colour blindness (blue, orange, green, purple)
/// with undelivered in red and dashed, so it does not rest on colour alone.
enum HTMLReportStyle {
    static let css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a202c;margin:0 auto;max-width:1180px;padding:0 16px 32px}
        header{border-bottom:3px solid #999;margin-bottom:8px}header.pass{border-color:#2f855a}header.fail{border-color:#c53030}
        h1{font-size:22px;margin:16px 0 6px;word-break:break-word}h2{font-size:17px;margin:22px 0 6px}h3{font-size:14px;margin:12px 0 4px}
        .verdict{display:inline-block;padding:1px 10px;border-radius:4px;color:#fff;font-size:16px;vertical-align:middle}
        .pass .verdict{background:#2f855a}.fail .verdict{background:#c53030}
        dl{display:flex;flex-wrap:wrap;gap:4px 22px;margin:6px 0 10px}dl div{display:flex;gap:6px}dt{color:#4a5568}dd{margin:0;font-weight:600}
        table{border-collapse:collapse;margin:8px 0 12px}caption{text-align:left;color:#4a5568;padding-bottom:4px}
        th,td{border-bottom:1px solid #e2e8f0;padding:3px 12px 3px 0;text-align:left;vertical-align:top}td{font-variant-numeric:tabular-nums}
        .figures span{margin-right:22px}.id{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
        ul.expectations{list-style:none;padding:0}ul.expectations li{margin:4px 0}
        .mark{display:inline-block;width:1.3em;font-weight:700}.held .mark{color:#2f855a}.broken .mark{color:#c53030}.broken{font-weight:600}
        .detail{color:#4a5568;margin-left:1.3em;font-weight:400;white-space:pre-wrap;word-break:break-word}
        ul.messages{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
        .note,footer{color:#4a5568}.legend .key{margin-right:14px}
        .legend .key::before{content:"";display:inline-block;width:18px;height:4px;margin:0 5px 3px 0;vertical-align:middle;background:currentColor}
        td.path{font-weight:600}
        .direct{color:#2b6cb0;stroke:#2b6cb0;fill:#2b6cb0}.coordinator{color:#c05621;stroke:#c05621;fill:#c05621}
        .mesh{color:#2f855a;stroke:#2f855a;fill:#2f855a}.other{color:#6b46c1;stroke:#6b46c1;fill:#6b46c1}
        .undelivered{color:#c53030;stroke:#c53030;fill:#c53030}.key.fault{color:#742a2a}
        svg.chart{display:block;width:100%;height:auto;font-size:11px;font-family:system-ui,sans-serif}
        svg text{fill:#2d3748;stroke:none}svg text.title{fill:#4a5568}svg text.lane-name{font-weight:600;stroke:none}
        svg .lane{fill:#f7fafc;stroke:none}svg .lane.alt{fill:#edf2f7}svg .strip{fill:#fff5f5}
        svg .frame{fill:none;stroke:#a0aec0}svg .grid{stroke:#e2e8f0;stroke-width:1}
        svg line.msg{stroke-width:2;stroke-linecap:round;stroke-opacity:.8}svg line.msg.undelivered{stroke-dasharray:3 3;stroke-linecap:butt}
        svg rect.sent{stroke:none}svg rect.dlv{stroke:none;fill-opacity:.45}
        svg circle.pt{stroke:none;fill-opacity:.75}svg g.pt circle{stroke:none}svg g.pt line.spread{stroke-width:1.4;stroke-opacity:.45}
        svg line.pt.undelivered{stroke-width:1.6}
        svg .fault line{stroke:#742a2a;stroke-width:1.2;stroke-dasharray:4 3}svg .fault text{fill:#742a2a;font-weight:600}
        svg .fault rect.recovery{fill:#742a2a;fill-opacity:.07;stroke:none}
        """
}
