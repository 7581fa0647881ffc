import Foundation
import XCTest

/// Keeps the per-store suites in step with the contract: every `check…` in MessageStoreContractTests
/// and its extensions (MessageStoreContractTests+….swift) must run as a `test…` in each suite of
/// ContractSuites.swift.
/// (XCTest on Linux does not run inherited test methods, so the suites forward each check by hand.)
final class ContractCoverageTests: XCTestCase {
    private let suites = ["InMemoryStoreContractTests", "SQLiteStoreContractTests"]

    func testEverySuiteRunsEveryContractCheck() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let contractFiles = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("MessageStoreContractTests") && $0.hasSuffix(".swift") }
        XCTAssertTrue(contractFiles.contains("MessageStoreContractTests+Custody.swift"), "\(contractFiles)")
        XCTAssertTrue(contractFiles.contains("MessageStoreContractTests+Proofs.swift"), "\(contractFiles)")
        let contract = try contractFiles.map {
            try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)
        }.joined(separator: "\n")
        let suitesSource = try String(
            contentsOf: directory.appendingPathComponent("ContractSuites.swift"), encoding: .utf8)
        let checks = Set(names(in: contract, prefix: "func check"))
        XCTAssertGreaterThan(checks.count, 30, "could not read the contract's checks")
        for suite in suites {
            let body = try XCTUnwrap(classBody(suite, in: suitesSource), "\(suite) not found")
            let forwarded = Set(names(in: body, prefix: "try check"))
            let tests = Set(names(in: body, prefix: "func test"))
            XCTAssertEqual(forwarded.symmetricDifference(checks), [], "\(suite) does not run exactly the contract")
            XCTAssertEqual(tests.symmetricDifference(checks), [], "\(suite) test names should match the checks they run")
        }
    }

    /// Identifiers that follow `prefix` (e.g. "func check" → "AddInbound…").
    private func names(in source: String, prefix: String) -> [String] {
        source.components(separatedBy: prefix).dropFirst().map { rest in
            String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        }.filter { !$0.isEmpty }
    }

    /// The text of `final class Name` up to the next top-level class.
    private func classBody(_ name: String, in source: String) -> String? {
        guard let start = source.range(of: "final class \(name):") else { return nil }
        let rest = source[start.upperBound...]
        let end = rest.range(of: "\nfinal class ")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }
}
