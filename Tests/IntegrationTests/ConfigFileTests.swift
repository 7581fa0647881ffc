import FerryControl
import Foundation
import XCTest

/// `ferry run --config FILE` (docs/CONFIG.md): the file's settings are used, flags win over it,
/// and a mistake in it is one line with the line number and exit 1.
final class ConfigFileTests: IntegrationTestCase {
    func writeConfig(_ text: String, name: String = "node.yaml") throws -> String {
        let path = scratch.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A node started from a file listens where the file says, links to the file's peer, has the
    /// file's quota and discovery setting, and delivers; the "not running" hint repeats --config.
    func testNodeRunsWithTheFilesListenAndPeers() throws {
        let (a, b) = try makePair()
        try b.start()
        let port = try RawSocket.freePort()
        let config = try writeConfig("""
            # alice, from a file
            data: \(a.dataDir)
            listen: 127.0.0.1:\(port)
            peers:
              - \(b.address)@\(try b.endpoint)
            discovery: false
            log_level: debug
            quotas:
              relay_bytes: 3MiB
            """)
        a.configFile = config
        try a.start()

        let status = try a.status()
        XCTAssertEqual(status.listen, "127.0.0.1:\(port)")
        XCTAssertEqual(status.relayQuotaBytes, 3 << 20)
        XCTAssertEqual(status.discovery?.enabled, false)
        try waitUntil("alice links to bob, the file's peer") {
            try a.peerLinks().contains { $0.address == b.address && $0.established }
        }
        let id = try send(from: a, to: "bob", "configured")
        try a.waitForReceipt(id)
        XCTAssertEqual(try b.inbox().map(\.text), ["configured"])
        XCTAssertGreaterThan(a.logCount("debug"), 0, "log_level: debug took effect")

        a.stop()
        let hint = try ferry(["status", "--data", a.dataDir])
        XCTAssertEqual(hint.exitCode, 1, "\(hint)")
        XCTAssertTrue(hint.stderr.contains("ferry run --config \(config) --data \(a.dataDir)"), "\(hint)")
    }

    /// Flags given on the command line win: --listen over the file's listen, --peer replaces the
    /// file's whole peer list; --coordinator is taken and recorded.
    func testFlagsWinOverTheFile() throws {
        let a = try makeNode("alice")
        let filePort = try RawSocket.freePort()
        let fileSeed = "127.0.0.1:\(try RawSocket.freePort())"
        let flagSeed = "127.0.0.1:\(try RawSocket.freePort())"
        let coordinator = "127.0.0.1:\(try RawSocket.freePort())"
        a.configFile = try writeConfig("data: \(a.dataDir)\nlisten: 127.0.0.1:\(filePort)\npeers: [\"\(fileSeed)\"]\ndiscovery: false\n")
        a.extraRunArguments = ["--listen", "127.0.0.1:0", "--peer", flagSeed, "--coordinator", coordinator]
        try a.start()

        XCTAssertNotEqual(try a.status().listen, "127.0.0.1:\(filePort)")
        try waitUntil("alice lists the --peer seed") { try a.peersJSON().contains { $0.endpoint == flagSeed } }
        XCTAssertFalse(try a.peersJSON().contains { $0.endpoint == fileSeed }, "the file's peers were replaced")
        a.stop()
        let hint = try ferry(["status", "--data", a.dataDir])
        XCTAssertTrue(hint.stderr.contains("--listen 127.0.0.1:0 --peer \(flagSeed) --coordinator \(coordinator)"), "\(hint)")
    }

    /// A typo, a bad value, broken YAML and a missing file: exit 1, one line naming file and line.
    func testMistakesAreOneLineWithTheLineNumber() throws {
        let a = try makeNode("alice")
        let typo = try writeConfig("# alice\ndata: \(a.dataDir)\n\nlistne: 127.0.0.1:0\n", name: "typo.yaml")
        let run = try ferry(["run", "--config", typo], timeout: 10)
        XCTAssertEqual(run.exitCode, 1, "\(run)")
        XCTAssertEqual(run.stderrLines, ["ferry: \(typo) line 4: unknown key 'listne' (did you mean 'listen'?)"], "\(run)")

        let cases: [(name: String, text: String, expected: String)] = [
            ("value.yaml", "data: \(a.dataDir)\nquotas:\n  relay_bytes: lots\n", "value.yaml line 3: 'quotas.relay_bytes' must be a whole number of bytes"),
            ("yaml.yaml", "data: \(a.dataDir)\npeers:\n\t- 127.0.0.1:7000\n", "yaml.yaml line 3: invalid YAML: "),
            ("peer.yaml", "data: \(a.dataDir)\npeers:\n  - 127.0.0.1\n", "peer.yaml line 3: 'peers': '127.0.0.1' is not HOST:PORT"),
        ]
        for (name, text, expected) in cases {
            let result = try ferry(["run", "--config", try writeConfig(text, name: name)], timeout: 10)
            XCTAssertEqual(result.exitCode, 1, "\(name): \(result)")
            XCTAssertEqual(result.stderrLines.count, 1, "\(name): \(result)")
            XCTAssertTrue(result.stderr.contains(expected), "\(name): \(result)")
        }

        let missing = scratch.appendingPathComponent("missing.yaml").path
        let gone = try ferry(["run", "--config", missing], timeout: 10)
        XCTAssertEqual(gone.exitCode, 1, "\(gone)")
        XCTAssertEqual(gone.stderrLines, ["ferry: \(missing): no such file; check the path given to --config"], "\(gone)")

        let badCoordinator = try ferry(["run", "--data", a.dataDir, "--listen", "127.0.0.1:0", "--coordinator", "nowhere"], timeout: 10)
        XCTAssertEqual(badCoordinator.exitCode, 1, "\(badCoordinator)")
        XCTAssertEqual(badCoordinator.stderrLines, ["ferry: 'nowhere' is not HOST:PORT (for example 127.0.0.1:7000)"], "\(badCoordinator)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: a.dataDir + "/run.args"), "no node ran")
    }
}
