import FerryControl
import Foundation

/// Pins, links, `ferry outbox --json` and a look at the data directory's bytes, for the relay tests.
extension FerryNodeProcess {
    /// `ADDRESS@127.0.0.1:PORT`: a `--peer` that pins who must answer there.
    var pin: String {
        get throws { "\(address)@\(try endpoint)" }
    }

    /// True if this node has an established link to `other`.
    func isLinked(to other: FerryNodeProcess) throws -> Bool {
        try peerLinks().contains { $0.established && $0.address == other.address }
    }

    /// `ferry outbox --json`: own messages not yet delivered, one object a line.
    func outboxJSON() throws -> [OutboxItem] {
        let listed = try runFerry(["outbox", "--json", "--data", dataDir], in: scratch)
        guard listed.exitCode == 0 else { throw HarnessError("\(name) outbox --json failed: \(listed)") }
        return try listed.stdoutLines.map { try ControlJSON.decode(OutboxItem.self, from: Array($0.utf8)) }
    }

    /// The files under the data directory (the store, its WAL and shared memory, keys, …) whose
    /// bytes contain `needle`, by path relative to the data directory. Sockets are skipped.
    func dataFiles(containing needle: [UInt8]) throws -> [String] {
        precondition(!needle.isEmpty)
        guard let walker = FileManager.default.enumerator(atPath: dataDir) else {
            throw HarnessError("cannot list \(dataDir)")
        }
        var found: [String] = []
        var files = 0
        while let relative = walker.nextObject() as? String {
            let path = dataDir + "/" + relative
            let type = try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType
            guard type == .typeRegular, let bytes = FileManager.default.contents(atPath: path) else { continue }
            files += 1
            if bytes.range(of: Data(needle)) != nil { found.append(relative) }
        }
        guard files > 0 else { throw HarnessError("no files read under \(dataDir)") }
        return found
    }
}

extension IntegrationTestCase {
    /// Waits until both ends report the link between `a` and `b` established.
    func waitUntilLinked(_ a: FerryNodeProcess, _ b: FerryNodeProcess, seconds: TimeInterval = Harness.deliverySecondsMax) throws {
        try waitUntil("\(a.name) and \(b.name) are linked", seconds: seconds) {
            try a.isLinked(to: b) && b.isLinked(to: a)
        }
    }

    /// Waits until `node` holds exactly `count` relay copies (control-socket status).
    func waitUntilRelay(_ node: FerryNodeProcess, holds count: Int, seconds: TimeInterval = Harness.deliverySecondsMax) throws {
        try waitUntil("\(node.name) holds \(count) relay copies", seconds: seconds) { try node.status().relay == count }
    }
}

/// The 16 bytes of a message id given as 32 hex characters.
func idBytes(_ hex: String) throws -> [UInt8] {
    let digits = Array(hex.utf8)
    guard digits.count == 32 else { throw HarnessError("not a 32-character id: \(hex)") }
    return try stride(from: 0, to: digits.count, by: 2).map { index in
        guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else {
            throw HarnessError("not hex: \(hex)")
        }
        return byte
    }
}
