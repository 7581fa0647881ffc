import FerryControl
import XCTest

/// What a sender's text may and may not do on the recipient's terminal.
final class TerminalTextTests: XCTestCase {
    func testEscapeSequenceAndNewlineBecomeOneVisibleLine() {
        XCTAssertEqual(TerminalText.escape("\u{1b}[2J\nfake line"), #"\x1b[2J\nfake line"#)
    }

    func testEveryControlSeparatorAndBidiControlIsEscaped() {
        let cases: [(String, String)] = [
            ("\t", #"\t"#), ("\r\n", #"\r\n"#), ("\u{0}", #"\x00"#), ("\u{7}", #"\x07"#), ("\u{7f}", #"\x7f"#),
            ("\u{85}", #"\u{85}"#), ("\u{9b}", #"\u{9b}"#), ("\u{2028}", #"\u{2028}"#), ("\u{2029}", #"\u{2029}"#),
            ("\u{202a}", #"\u{202a}"#), ("\u{202e}", #"\u{202e}"#), ("\u{2066}", #"\u{2066}"#), ("\u{2069}", #"\u{2069}"#),
            ("\u{200e}", #"\u{200e}"#), ("\u{200f}", #"\u{200f}"#), ("\u{61c}", #"\u{61c}"#),
        ]
        for (raw, shown) in cases { XCTAssertEqual(TerminalText.escape("a\(raw)b"), "a\(shown)b", shown) }
        for value in UInt32(0)...0x2100 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let escaped = TerminalText.escape(String(scalar))
            let printable = escaped.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7f && !(0x80...0x9f).contains($0.value) }
            XCTAssertTrue(printable, "U+\(String(value, radix: 16)) printed as \(escaped.debugDescription)")
        }
    }

    func testOrdinaryTextIsKeptAsItIs() {
        for text in ["hello", "Grüße, 世界 🚢", "a\\nb is a backslash and an n", "emoji 👩‍👩‍👧 with joiners", "é (e + combining)"] {
            XCTAssertEqual(TerminalText.escape(text), text)
        }
    }

    func testShellWordsQuoteOnlyWhatNeedsIt() {
        XCTAssertEqual(TerminalText.shellWord("/tmp/ferry-it-1/alice"), "/tmp/ferry-it-1/alice")
        XCTAssertEqual(TerminalText.shellWord("abc@127.0.0.1:7000"), "abc@127.0.0.1:7000")
        XCTAssertEqual(TerminalText.shellWord("/tmp/my data"), "'/tmp/my data'")
        XCTAssertEqual(TerminalText.shellWord("it's"), #"'it'\''s'"#)
        XCTAssertEqual(TerminalText.shellWord(""), "''")
        XCTAssertEqual(TerminalText.shellWord("$(rm -rf ~)"), "'$(rm -rf ~)'")
    }

    /// The "not running" hint repeats the last run's arguments when known, as one pasteable line.
    func testNotRunningHintUsesTheLastRunArguments() {
        XCTAssertEqual(
            ControlError.notRunning(dataDir: "/d").description,
            "no ferry node is running on /d; start one with: ferry run --data /d --listen 127.0.0.1:7000")
        let hint = ControlError.notRunning(dataDir: "/my d", lastRun: ["--data", "/my d", "--listen", "0.0.0.0:7001", "--peer", "h:1"])
        XCTAssertEqual(
            hint.description,
            "no ferry node is running on /my d; start one with: ferry run --data '/my d' --listen 0.0.0.0:7001 --peer h:1")
        let odd = ControlError.notRunning(dataDir: "/d\n", lastRun: ["--data", "/d\n"]).description
        XCTAssertFalse(odd.contains("\n"), odd)
    }
}
