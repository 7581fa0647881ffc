@testable import FerryTestbed
import XCTest

final class ScenarioDurationsTests: XCTestCase {
    func testDurations() {
        let cases: [(String, UInt64?)] = [
            ("250ms", 250), ("5s", 5000), ("1.5s", 1500), ("2m", 120_000), ("0", 0), ("0s", 0), ("0.25s", 250),
            ("1.001s", 1001), ("0.5m", 30_000), ("5 s", 5000), (" 7ms ", 7),
            ("5", nil), ("-5s", nil), ("1.0005s", nil), ("1.5ms", nil), ("5sec", nil), ("1h", nil), ("s", nil),
            (".5s", nil), ("5.s", nil), ("1e3ms", nil), ("0x10s", nil), ("", nil), ("1_000ms", nil),
            ("9999999999s", nil),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(ScenarioDurations.milliseconds(text), expected, "'\(text)'")
        }
    }

    func testPercentages() {
        XCTAssertEqual(ScenarioDurations.percent("20%"), 20)
        XCTAssertEqual(ScenarioDurations.percent("20"), 20)
        XCTAssertEqual(ScenarioDurations.percent("12.5 %"), 12.5)
        XCTAssertEqual(ScenarioDurations.percent("0"), 0)
        XCTAssertEqual(ScenarioDurations.percent("100%"), 100)
        XCTAssertNil(ScenarioDurations.percent("100.1%"))
        XCTAssertNil(ScenarioDurations.percent("-1%"))
        XCTAssertNil(ScenarioDurations.percent("twenty"))
        XCTAssertNil(ScenarioDurations.percent("%"))
    }

    func testTimesAreShownInTheUnitsTheyAreWrittenIn() {
        XCTAssertEqual(ScenarioDurations.text(0), "0s")
        XCTAssertEqual(ScenarioDurations.text(250), "250ms")
        XCTAssertEqual(ScenarioDurations.text(1500), "1.5s")
        XCTAssertEqual(ScenarioDurations.text(1001), "1.001s")
        XCTAssertEqual(ScenarioDurations.text(60_000), "60s")
        XCTAssertEqual(ScenarioDurations.text(70_000), "70s")
        XCTAssertEqual(ScenarioDurations.text(120_000), "2m")
        for milliseconds: UInt64 in [0, 1, 250, 999, 1000, 1001, 1500, 59_999, 60_000, 61_500, 120_000, 1_800_000] {
            XCTAssertEqual(ScenarioDurations.milliseconds(ScenarioDurations.text(milliseconds)), milliseconds, "shown times read back")
        }
    }

    func testARateCountsItsMessagesRoundedUp() {
        XCTAssertEqual(ScenarioMessages.count(perSecond: 20, forMilliseconds: 5000), 100)
        XCTAssertEqual(ScenarioMessages.count(perSecond: 1, forMilliseconds: 2500), 3)
        XCTAssertEqual(ScenarioMessages.count(perSecond: 0.1, forMilliseconds: 10_000), 1)
        XCTAssertEqual(ScenarioMessages.count(perSecond: 0.3, forMilliseconds: 10_000), 3)
        XCTAssertEqual(ScenarioMessages.count(perSecond: 5, forMilliseconds: 0), 0)
    }
}
