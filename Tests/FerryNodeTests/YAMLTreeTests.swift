import FerryNode
import XCTest

/// The Yams-free YAML tree other modules read files with (scenario files).
final class YAMLTreeTests: XCTestCase {
    func testEveryNodeKeepsItsLineAndScalarsKeepTheirText() throws {
        let tree = try XCTUnwrap(YAMLTree.parse("a: 1\nb:\n  - x\n  - \"~\"\n  - ~\nc: {d: 0x10}\n", nodesMax: 100))
        guard case .mapping(let entries) = tree.value else { return XCTFail("not a mapping: \(tree)") }
        XCTAssertEqual(entries.map(\.key.line), [1, 2, 6])
        XCTAssertEqual(entries[0].value, YAMLTree(.scalar("1", plain: true), line: 1))
        guard case .sequence(let items) = entries[1].value.value else { return XCTFail("not a list") }
        XCTAssertEqual(items.map(\.line), [3, 4, 5])
        XCTAssertFalse(items[1].isNull, "a quoted ~ is text")
        XCTAssertTrue(items[2].isNull)
        guard case .mapping(let inner) = entries[2].value.value else { return XCTFail("not a mapping") }
        XCTAssertEqual(inner[0].value.value, .scalar("0x10", plain: true), "scalars are not typed")
    }

    func testNoDocumentIsNil() throws {
        XCTAssertNil(try YAMLTree.parse("", nodesMax: 10))
        XCTAssertNil(try YAMLTree.parse("# a comment\n", nodesMax: 10))
    }

    func testSyntaxErrorsNameTheirLine() {
        XCTAssertThrowsError(try YAMLTree.parse("a: 1\nb: [1, 2\n", nodesMax: 10)) { error in
            XCTAssertEqual((error as? YAMLTreeError)?.line, 3)
            XCTAssertTrue((error as? YAMLTreeError)?.message.hasPrefix("invalid YAML") == true, "\(error)")
        }
    }

    /// A few lines of nested aliases expand to millions of values; the budget stops that early.
    func testTheValueBudgetBoundsAliasExpansion() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...6 { text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        XCTAssertThrowsError(try YAMLTree.parse(text, nodesMax: 100_000)) { error in
            XCTAssertTrue((error as? YAMLTreeError)?.message.contains("more than 100000 values") == true, "\(error)")
        }
    }

    func testSuggestionsForMistypedKeys() {
        XCTAssertEqual(YAMLTree.suggestion(for: "nodez", among: ["name", "nodes"]), "nodes")
        XCTAssertNil(YAMLTree.suggestion(for: "zzzzzz", among: ["name", "nodes"]))
    }
}
