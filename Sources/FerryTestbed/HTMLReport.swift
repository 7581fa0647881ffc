/// Renders a run report as one self-contained HTML page (docs/TESTBED.md §Reports). Placeholder
/// until the renderer lands.
public enum HTMLReport {
    /// The whole page: no external resources, so it can be attached to a post-mortem and opened offline.
    public static func render(_ report: RunReport) -> String {
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Ferry testbed</title></head><body></body></html>\n"
    }
}
