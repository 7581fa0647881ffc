import FerryNode
import Foundation
import XCTest

/// Every problem in a config file is one line naming the file and the line (docs/CONFIG.md §Errors).
final class ConfigErrorTests: XCTestCase {
    let path = "/etc/ferry/node.yaml"

    /// The error `text` gives, as if read from `path`.
    func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ConfigError? {
        do {
            _ = try ConfigFile.decode(text, path: path, over: NodeSettings(role: .node))
            XCTFail("no error for: \(text)", file: file, line: line)
            return nil
        } catch {
            XCTAssertFalse(error.description.contains("\n"), "one line: \(error)", file: file, line: line)
            return error
        }
    }

    func assertError(_ text: String, line expectedLine: Int, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let error = error(text, file: file, line: line) else { return }
        XCTAssertEqual(error.path, path, file: file, line: line)
        XCTAssertEqual(error.line, expectedLine, "\(error)", file: file, line: line)
        XCTAssertEqual(error.message, expected, "\(error)", file: file, line: line)
    }

    func testUnknownKeySuggestsTheNearestByEditDistance() {
        let text = "# ferry\ndata: /var/lib/ferry\n\nlistne: 0.0.0.0:7000\n"
        assertError(text, line: 4, "unknown key 'listne' (did you mean 'listen'?)")
        XCTAssertEqual(error(text)?.description, "/etc/ferry/node.yaml line 4: unknown key 'listne' (did you mean 'listen'?)")
        assertError("peer:\n  - 127.0.0.1:7000\n", line: 1, "unknown key 'peer' (did you mean 'peers'?)")
        assertError("log-level: debug\n", line: 1, "unknown key 'log-level' (did you mean 'log_level'?)")
        assertError("quotas:\n  relay_byte: 1\n", line: 2, "unknown key 'quotas.relay_byte' (did you mean 'quotas.relay_bytes'?)")
        // The right name at the wrong level.
        assertError("listen: 127.0.0.1:7000\nrelay_bytes: 1\n", line: 2, "unknown key 'relay_bytes' (did you mean 'quotas.relay_bytes'?)")
    }

    func testUnknownKeyWithNothingNearListsTheKeys() {
        assertError(
            "listen: 127.0.0.1:7000\nfrobnicate: 3\n", line: 2,
            "unknown key 'frobnicate'; the keys are: data, listen, peers, coordinators, discovery, log_level, quotas, coordinator_release_ms, target_links, testing")
        assertError(
            "quotas:\n  disk: 1\n", line: 2,
            "unknown key 'quotas.disk'; the keys under quotas are: relay_bytes, relay_bytes_per_origin, relay_bytes_per_destination, mailbox_bytes, mailbox_bytes_per_address")
        assertError("role: coordinator\n", line: 1, "'role' is not a file key: the command sets it (ferry run starts a node, ferry coordinator a coordinator)")
    }

    func testBadValuesNameTheKeyAndTheLine() {
        let bytesForm = "a whole number of bytes, optionally with a unit (B, KiB, MiB, GiB, TiB), like 268435456 or 256MiB"
        let quotas = "listen: 127.0.0.1:7000\n\n# quotas\nquotas:\n  relay_bytes_per_origin: 1MiB\n\n  relay_bytes: "
        for bad in ["lots", "-5", "1.5", "256MB", "256 mib", "0x100", "1_000", "12 KiB B"] {
            assertError(quotas + bad + "\n", line: 7, "'quotas.relay_bytes' must be \(bytesForm)")
        }
        assertError(quotas + "1025TiB\n", line: 7, "'quotas.relay_bytes' must be at most 1024TiB")
        assertError(quotas + "99999999999999999999999\n", line: 7, "'quotas.relay_bytes' must be at most 1024TiB")
        assertError("discovery: maybe\n", line: 1, "'discovery' must be true or false")
        assertError("\nlog_level: loud\n", line: 2, "'log_level' must be one of: trace, debug, info, notice, warning, error, critical")
        assertError("coordinator_release_ms: 3s\n", line: 1, "'coordinator_release_ms' must be a whole number of milliseconds")
        assertError("coordinator_release_ms: 86400001\n", line: 1, "'coordinator_release_ms' must be at most 86400000 milliseconds")
        assertError("target_links: 257\n", line: 1, "'target_links' must be at most 256 links")
        assertError("target_links: -1\n", line: 1, "'target_links' must be a whole number of links")
    }

    func testBadEndpointsNameTheLineOfTheEntry() {
        assertError("listen: 127.0.0.1\n", line: 1, "'listen': '127.0.0.1' is not HOST:PORT (for example 127.0.0.1:7000)")
        assertError("listen: host:99999\n", line: 1, "'listen': 'host:99999' is not HOST:PORT (for example 127.0.0.1:7000)")
        assertError(
            "peers:\n  - 127.0.0.1:7000\n  - 127.0.0.1:x\n", line: 3,
            "'peers': '127.0.0.1:x' is not HOST:PORT (for example 127.0.0.1:7000)")
        assertError(
            "coordinators:\n  - nothex@127.0.0.1:7400\n", line: 2,
            "'coordinators': 'nothex@127.0.0.1:7400 (before @ must be a 32-character address)' is not HOST:PORT (for example 127.0.0.1:7000)")
    }

    func testTypeMismatchesSayWhatWasExpected() {
        assertError(
            "listen:\n  - 127.0.0.1:7000\n", line: 1,
            "'listen' must be HOST:PORT (in quotes for IPv6: \"[::1]:7000\"), not a list")
        assertError(
            "peers: 127.0.0.1:7000\n", line: 1,
            "'peers' must be a list of [ADDRESS@]HOST:PORT (one '- [ADDRESS@]HOST:PORT' line each), not a single value")
        assertError("peers:\n  - [a, b]\n", line: 2, "each 'peers' entry must be [ADDRESS@]HOST:PORT, not a list")
        assertError("quotas: 5\n", line: 1, "'quotas' must be a mapping of quotas ('relay_bytes: 256MiB' lines under it), not a single value")
        assertError("discovery:\n  on: true\n", line: 1, "'discovery' must be true or false, not a mapping")
        assertError("- listen\n", line: 1, "the file must be a mapping of keys, one 'key: value' line each (docs/CONFIG.md), not a list")
        assertError("listen\n", line: 1, "the file must be a mapping of keys, one 'key: value' line each (docs/CONFIG.md), not a single value")
    }

    func testKeysWithoutAValue() {
        assertError("data: /x\nlisten:\n", line: 2, "'listen' has no value; give HOST:PORT (in quotes for IPv6: \"[::1]:7000\") or remove the line")
        assertError("data: ''\n", line: 1, "'data' has no value; give a directory path or remove the line")
        assertError("log_level: ~\n", line: 1, "'log_level' has no value; give a log level or remove the line")
    }

    func testInvalidYAMLGivesLibyamlsLine() {
        guard let tab = error("listen: 127.0.0.1:7000\npeers:\n\t- 127.0.0.1:7001\n") else { return }
        XCTAssertEqual(tab.line, 3, "\(tab)")
        XCTAssertTrue(tab.message.hasPrefix("invalid YAML: "), "\(tab)")

        guard let quote = error("listen: 127.0.0.1:7000\ndata: \"/var/lib\n\n") else { return }
        XCTAssertTrue(quote.message.hasPrefix("invalid YAML: "), "\(quote)")
        XCTAssertTrue(quote.description.contains("line 2"), "names where the quote opened: \(quote)")

        guard let indent = error("quotas:\n  relay_bytes: 1\n mailbox_bytes: 2\n") else { return }
        XCTAssertEqual(indent.line, 3, "\(indent)")

        assertError("listen: 127.0.0.1:7000\ndata: /a\nlisten: 127.0.0.1:7001\n", line: 1, "key 'listen' is given more than once; keep one")
        guard let documents = error("listen: 127.0.0.1:7000\n---\nlisten: 127.0.0.1:7001\n") else { return }
        XCTAssertEqual(documents.line, 2, "\(documents)")
    }

    /// Text from the file stays on one line in the error, whatever it holds.
    func testKeysWithControlCharactersStayOnOneLine() {
        guard let error = error("\"list\\nen\\u001b[2J\": 1\n") else { return }
        XCTAssertEqual(error.line, 1)
        XCTAssertTrue(error.message.hasPrefix("unknown key 'list\\nen\\x1b[2J'"), "\(error)")
    }

    // MARK: The file itself

    func testMissingUnreadableAndDirectoryFiles() throws {
        let root = NSTemporaryDirectory() + "ferry-config-errors-\(UUID().uuidString)"
        XCTAssertEqual(mkdir(root, 0o700), 0)
        defer { try? FileManager.default.removeItem(atPath: root) }
        XCTAssertThrowsError(try ConfigFile.load(root + "/missing.yaml", role: .node)) { error in
            XCTAssertEqual("\(error)", "\(root)/missing.yaml: no such file; check the path given to --config")
        }
        XCTAssertThrowsError(try ConfigFile.load(root, role: .node)) { error in
            XCTAssertEqual("\(error)", "\(root): is a directory; give the path of a YAML file")
        }
        let big = root + "/big.yaml"
        try Data(("# " + String(repeating: "x", count: ConfigLimits.fileBytesMax) + "\n").utf8).write(to: URL(fileURLWithPath: big))
        XCTAssertThrowsError(try ConfigFile.load(big, role: .node)) { error in
            XCTAssertEqual((error as? ConfigError)?.line, nil)
            XCTAssertTrue("\(error)".contains("larger than 256 KiB"), "\(error)")
        }
        let latin1 = root + "/latin1.yaml"
        try Data("listen: 127.0.0.1:7000\n# caf".utf8 + [0xE9] + Data("\n".utf8)).write(to: URL(fileURLWithPath: latin1))
        XCTAssertThrowsError(try ConfigFile.load(latin1, role: .node)) { error in
            XCTAssertEqual("\(error)", "\(latin1) line 2: not UTF-8 text; save the file as UTF-8")
        }
    }

    func testSeedListsAreBounded() {
        let entries = (0...ConfigLimits.seedsMax).map { "  - 127.0.0.1:\(7000 + $0)" }.joined(separator: "\n")
        assertError("peers:\n" + entries + "\n", line: 1, "'peers' has 1025 entries; at most 1024 are allowed")
    }
}
