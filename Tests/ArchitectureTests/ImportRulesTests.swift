import Foundation
import XCTest

/// Keeps the layering of DESIGN.md true: one C library per module, one owner per heavy
/// dependency, and a sans-I/O core. It reads the sources as text, so it fails the moment a
/// forbidden `import` is written, whatever the build does.
final class ImportRulesTests: XCTestCase {
    /// Module → the only source module allowed to import it.
    static let owners: [String: String] = [
        "CLibUV": "FerryLoop",
        "COpenSSL": "FerryTLS",
        "Crypto": "FerryCrypto",
        "GRDB": "FerrySQLite",
        "Yams": "FerryNode",
    ]

    /// What the sans-I/O core may never import: sockets, clocks, disk, C libraries, the daemon.
    static let forbiddenInCore: Set<String> = [
        "FerryLoop", "FerryTLS", "FerryNode", "FerrySQLite", "FerryControl", "CLibUV", "COpenSSL", "GRDB",
        "Foundation", "Glibc", "Dispatch", "Logging",
    ]

    /// Every module's allowed Ferry imports, as in DESIGN.md's table.
    static let allowedFerryImports: [String: Set<String>] = [
        "FerryWire": [],
        "FerryCrypto": ["FerryWire"],
        "FerryStore": ["FerryWire"],
        "FerrySQLite": ["FerryStore", "FerryWire"],
        "FerryCore": ["FerryWire", "FerryCrypto", "FerryStore"],
        "FerryLoop": [],
        "FerryTLS": ["FerryWire"],
        "FerryControl": ["FerryWire"],
    ]

    func testEachCLibraryAndHeavyDependencyHasOneOwner() throws {
        var violations: [String] = []
        for (module, file, imported) in try Self.sourceImports() {
            if let owner = Self.owners[imported], owner != module {
                violations.append("\(file) imports \(imported); only \(owner) may")
            }
        }
        XCTAssertEqual(violations, [])
    }

    func testCoreIsSansIO() throws {
        let core = try Self.sourceImports().filter { $0.module == "FerryCore" }
        XCTAssertFalse(core.isEmpty, "FerryCore sources were not found")
        let bad = core.filter { Self.forbiddenInCore.contains($0.imported) }.map { "\($0.file) imports \($0.imported)" }
        XCTAssertEqual(bad, [])
    }

    func testModulesImportOnlyTheirLowerLayers() throws {
        var violations: [String] = []
        for (module, file, imported) in try Self.sourceImports() where imported.hasPrefix("Ferry") {
            guard let allowed = Self.allowedFerryImports[module] else { continue }
            if !allowed.contains(imported) { violations.append("\(file) imports \(imported)") }
        }
        XCTAssertEqual(violations, [])
    }

    func testTheRulesSeeEveryModule() throws {
        let modules = Set(try Self.sourceImports().map(\.module))
        for module in ["FerryWire", "FerryCrypto", "FerryStore", "FerrySQLite", "FerryCore", "FerryLoop", "FerryTLS", "FerryControl", "FerryNode"] {
            XCTAssertTrue(modules.contains(module), "\(module) has no imports the test could read")
        }
    }

    // MARK: Reading the sources

    static var sourcesDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
    }

    /// (module, file, imported module) for every import line in Sources/.
    static func sourceImports() throws -> [(module: String, file: String, imported: String)] {
        let root = sourcesDirectory
        let fm = FileManager.default
        var result: [(String, String, String)] = []
        for module in try fm.contentsOfDirectory(atPath: root.path).sorted() {
            guard let walker = fm.enumerator(atPath: root.appendingPathComponent(module).path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                let path = root.appendingPathComponent(module).appendingPathComponent(relative)
                let text = try String(contentsOf: path, encoding: .utf8)
                for imported in imports(in: text) { result.append((module, "\(module)/\(relative)", imported)) }
            }
        }
        return result
    }

    /// Module names from `import X`, `@preconcurrency import X`, `public import X`, `import struct X.Y`.
    static func imports(in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            while let first = words.first, first.hasPrefix("@") || ["public", "internal", "private", "fileprivate", "package"].contains(first) {
                words.removeFirst()
            }
            guard words.first == "import", words.count >= 2 else { return nil }
            let kinds: Set<String> = ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias"]
            let name = kinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
            return String(name.split(separator: ".").first ?? "")
        }
    }

    func testImportParserSeesEveryForm() {
        let text = "import A\n@preconcurrency import B\npublic import C\nimport struct D.E\n// import F\n"
        XCTAssertEqual(Self.imports(in: text), ["A", "B", "C", "D"])
    }
}
