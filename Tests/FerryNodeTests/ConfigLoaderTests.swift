import FerryCore
import FerryNode
import FerryWire
import Foundation
import Logging
import XCTest

/// Config files: every key lands in the settings, and flags win over the file (docs/CONFIG.md).
final class ConfigLoaderTests: XCTestCase {
    var root: String!

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "ferry-config-tests-\(UUID().uuidString)"
        XCTAssertEqual(mkdir(root, 0o700), 0)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Writes `text` to a file in the scratch directory; returns its path.
    func file(_ text: String, name: String = "node.yaml") throws -> String {
        let path = root + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let address = String(repeating: "ab", count: 16)

    static let everyKey = """
        # A node with every key set.
        data: /var/lib/ferry
        listen: 0.0.0.0:7400
        peers:
          - 10.0.0.2:7000
          - \(address)@relay.example:7001
        coordinators: ["coord.example:7400", "\(address)@[2001:db8::1]:7400"]
        discovery: false
        log_level: debug
        quotas:
          relay_bytes: 512MiB
          relay_bytes_per_origin: 64 MiB
          relay_bytes_per_destination: 1048576
          mailbox_bytes: 2GiB
          mailbox_bytes_per_address: 100KiB
        coordinator_release_ms: 5000
        target_links: 12
        """

    func testEveryKeyLandsInTheSettings() throws {
        let settings = try ConfigFile.load(try file(Self.everyKey), role: .node)
        let node = settings.node
        XCTAssertEqual(node.role, .node)
        XCTAssertEqual(node.dataDir.path, "/var/lib/ferry")
        XCTAssertEqual(node.listen, Endpoint(host: "0.0.0.0", port: 7400))
        XCTAssertEqual(node.peers, [
            PeerSeed(endpoint: Endpoint(host: "10.0.0.2", port: 7000)),
            PeerSeed(endpoint: Endpoint(host: "relay.example", port: 7001), expected: Address(text: Self.address)),
        ])
        XCTAssertEqual(node.coordinators, [
            PeerSeed(endpoint: Endpoint(host: "coord.example", port: 7400)),
            PeerSeed(endpoint: Endpoint(host: "2001:db8::1", port: 7400), expected: Address(text: Self.address)),
        ])
        XCTAssertFalse(node.discovery)
        XCTAssertEqual(settings.logLevel, .debug)
        XCTAssertEqual(node.limits.relayBytesMax, 512 << 20)
        XCTAssertEqual(node.limits.relayBytesPerOriginMax, 64 << 20)
        XCTAssertEqual(node.limits.relayBytesPerDestinationMax, 1_048_576)
        XCTAssertEqual(node.limits.mailboxBytesMax, 2 << 30)
        XCTAssertEqual(node.limits.mailboxBytesPerAddressMax, 100 << 10)
        XCTAssertEqual(node.limits.coordinatorReleaseMilliseconds, 5000)
        XCTAssertEqual(node.limits.targetLinks, 12)
    }

    /// The role comes from the command, not the file; the same file serves both.
    func testRoleComesFromTheCaller() throws {
        let settings = try ConfigFile.load(try file(Self.everyKey), role: .coordinator)
        XCTAssertEqual(settings.node.role, .coordinator)
        XCTAssertEqual(settings.node.listen, Endpoint(host: "0.0.0.0", port: 7400))
    }

    /// Keys left out keep the defaults; an empty file or one of comments is all defaults.
    func testMissingKeysKeepTheDefaults() throws {
        let defaults = NodeSettings(role: .node, dataDir: DataDirectory(path: "/default"))
        for text in ["", "# nothing yet\n", "listen: 127.0.0.1:7005\n", "peers:\nquotas:\n"] {
            let settings = try ConfigFile.decode(text, path: root + "/x.yaml", over: defaults)
            XCTAssertEqual(settings.node.dataDir.path, "/default", text)
            XCTAssertEqual(settings.node.peers, [], text)
            XCTAssertTrue(settings.node.discovery, text)
            XCTAssertEqual(settings.logLevel, .info, text)
            XCTAssertEqual(settings.node.limits.relayBytesMax, CoreLimits().relayBytesMax, text)
            XCTAssertEqual(settings.node.limits.targetLinks, CoreLimits().targetLinks, text)
        }
        let listenOnly = try ConfigFile.decode("listen: 127.0.0.1:7005\n", path: "x.yaml", over: defaults)
        XCTAssertEqual(listenOnly.node.listen, Endpoint(host: "127.0.0.1", port: 7005))
        XCTAssertEqual(try ConfigFile.decode("", path: "x.yaml", over: defaults).node.listen, NodeSettings.listenDefault)
    }

    /// A relative `data` is taken from the file's directory, not the working directory; `~` is home.
    func testRelativeDataIsTakenFromTheFilesDirectory() throws {
        XCTAssertEqual(mkdir(root + "/etc", 0o700), 0)
        let settings = try ConfigFile.load(try file("data: state/ferry\n", name: "etc/node.yaml"), role: .node)
        XCTAssertEqual(settings.node.dataDir.path, root + "/etc/state/ferry")
        let home = try ConfigFile.decode("data: ~/ferry-data\n", path: "/etc/ferry/node.yaml", over: NodeSettings(role: .node))
        XCTAssertEqual(home.node.dataDir.path, (NSHomeDirectory() as NSString).appendingPathComponent("ferry-data"))
    }

    func testValueForms() throws {
        let defaults = NodeSettings(role: .node)
        let cases: [(String, Int)] = [
            ("0", 0), ("268435456", 268_435_456), ("100B", 100), ("1KiB", 1024), ("\"256MiB\"", 256 << 20), ("3 GiB", 3 << 30),
            ("1TiB", 1 << 40), ("1024TiB", 1 << 50),
        ]
        for (text, bytes) in cases {
            let settings = try ConfigFile.decode("quotas:\n  relay_bytes: \(text)\n", path: "x.yaml", over: defaults)
            XCTAssertEqual(settings.node.limits.relayBytesMax, bytes, text)
        }
        for (text, value) in [("true", true), ("no", false), ("On", true), ("FALSE", false), ("'yes'", true)] {
            XCTAssertEqual(try ConfigFile.decode("discovery: \(text)\n", path: "x.yaml", over: defaults).node.discovery, value, text)
        }
        // YAML 1.1 would read 10:20 as a number (620); the decoder reads the text.
        XCTAssertEqual(try ConfigFile.decode("listen: 10:20\n", path: "x.yaml", over: defaults).node.listen, Endpoint(host: "10", port: 20))
        XCTAssertEqual(try ConfigFile.decode("listen: host:20\n", path: "x.yaml", over: defaults).node.listen, Endpoint(host: "host", port: 20))
        XCTAssertEqual(try ConfigFile.decode("listen: \"[::1]:7000\"\n", path: "x.yaml", over: defaults).node.listen, Endpoint(host: "::1", port: 7000))
    }

    /// The files in examples/ load, and say what their comments say.
    func testExampleFilesLoad() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples")
        let node = try ConfigFile.load(examples.appendingPathComponent("node.yaml").path, role: .node)
        XCTAssertEqual(node.node.dataDir.path, "/var/lib/ferry")
        XCTAssertEqual(node.node.listen, Endpoint(host: "0.0.0.0", port: 7000))
        XCTAssertEqual(node.node.peers.count, 1)
        XCTAssertEqual(node.node.coordinators.count, 1)
        let coordinator = try ConfigFile.load(examples.appendingPathComponent("coordinator.yaml").path, role: .coordinator)
        XCTAssertEqual(coordinator.node.role, .coordinator)
        XCTAssertEqual(coordinator.node.listen, Endpoint(host: "0.0.0.0", port: 7400))
        XCTAssertEqual(coordinator.node.coordinators, [])
        XCTAssertFalse(coordinator.node.discovery)
        XCTAssertEqual(coordinator.node.limits.mailboxBytesMax, 16 << 30)
        XCTAssertGreaterThan(coordinator.node.limits.mailboxBytesMax, node.node.limits.mailboxBytesMax)
    }

    // MARK: Flags over the file

    func testFlagsGivenWinOverTheFile() throws {
        var settings = try ConfigFile.load(try file(Self.everyKey), role: .node)
        let seed = try PeerSeed(parsing: "127.0.0.1:9000")
        let coordinator = try PeerSeed(parsing: "127.0.0.1:9400")
        settings.apply(CommandLineSettings(
            dataDir: root + "/flag-data", listen: Endpoint(host: "127.0.0.1", port: 0), peers: [seed], coordinators: [coordinator],
            discovery: true, logLevel: .warning))
        XCTAssertEqual(settings.node.dataDir.path, root + "/flag-data")
        XCTAssertEqual(settings.node.listen, Endpoint(host: "127.0.0.1", port: 0))
        XCTAssertEqual(settings.node.peers, [seed], "--peer replaces the file's whole list")
        XCTAssertEqual(settings.node.coordinators, [coordinator], "--coordinator replaces the file's whole list")
        XCTAssertTrue(settings.node.discovery)
        XCTAssertEqual(settings.logLevel, .warning)
        XCTAssertEqual(settings.node.limits.relayBytesMax, 512 << 20, "what no flag sets stays from the file")
    }

    func testFlagsNotGivenLeaveTheFile() throws {
        var settings = try ConfigFile.load(try file(Self.everyKey), role: .node)
        settings.apply(CommandLineSettings())
        XCTAssertEqual(settings.node.dataDir.path, "/var/lib/ferry")
        XCTAssertEqual(settings.node.listen, Endpoint(host: "0.0.0.0", port: 7400))
        XCTAssertEqual(settings.node.peers.count, 2)
        XCTAssertEqual(settings.node.coordinators.count, 2)
        XCTAssertFalse(settings.node.discovery)
        XCTAssertEqual(settings.logLevel, .debug)
    }

    /// Without a file, flags go over the defaults, as `ferry run` always did.
    func testFlagsOverDefaultsWithoutAFile() throws {
        var settings = NodeSettings(role: .node, dataDir: DataDirectory(path: "/default"))
        settings.apply(CommandLineSettings(discovery: false))
        XCTAssertEqual(settings.node.dataDir.path, "/default")
        XCTAssertEqual(settings.node.listen, NodeSettings.listenDefault)
        XCTAssertFalse(settings.node.discovery)
        XCTAssertEqual(settings.logLevel, .info)
    }
}
