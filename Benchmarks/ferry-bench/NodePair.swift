import FerryControl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One `ferry run` process the bench started, with its own temporary data directory.
final class BenchNode {
    let name: String
    let dataDir: String
    var process: ChildProcess?
    var address = ""

    init(name: String, dataDir: String) {
        self.name = name
        self.dataDir = dataDir
    }

    var socketPath: String { dataDir + "/control.sock" }
    var pid: pid_t { process?.pid ?? 0 }

    func client() throws -> ControlClient { try ControlClient(socketPath: socketPath, dataDir: dataDir) }

    func status() throws -> NodeStatus {
        let reply = try client().call(ControlRequest(op: "status"), timeoutMilliseconds: 10_000)
        guard reply.ok, let status = reply.status else { throw BenchError.node("\(name): status failed: \(reply.error ?? "?")") }
        return status
    }

    /// Polls until the control socket answers and `condition` holds, or the deadline passes.
    func waitForStatus(_ deadline: Deadline, _ condition: (NodeStatus) -> Bool) throws -> NodeStatus {
        while true {
            if let process, process.poll() { throw BenchError.node("\(name) exited early; see \(dataDir)/node.log") }
            if let status = try? status(), condition(status) { return status }
            try deadline.check()
            MonotonicClock.pause(milliseconds: 20)
        }
    }
}

/// Nodes A and B on 127.0.0.1 in a temporary directory: A dials B (pinned to B's address), each
/// has the other as a contact. `tearDown()` stops both by PID and removes the directory.
final class NodePair {
    let ferry: String
    let root: String
    let a: BenchNode
    let b: BenchNode

    init(ferry: String) throws {
        self.ferry = ferry
        var template = Array("/tmp/ferry-bench.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError.command("mkdtemp failed") }
        root = String(cString: made)
        a = BenchNode(name: "A", dataDir: root + "/a")
        b = BenchNode(name: "B", dataDir: root + "/b")
    }

    func setUp() throws {
        for node in [a, b] {
            node.address = try runCommand(ferry, ["init", "--data", node.dataDir], scratch: root)
        }
        let cardA = try runCommand(ferry, ["id", "--card", "--data", a.dataDir], scratch: root)
        let cardB = try runCommand(ferry, ["id", "--card", "--data", b.dataDir], scratch: root)
        _ = try runCommand(ferry, ["contacts", "add", "b", cardB, "--data", a.dataDir], scratch: root)
        _ = try runCommand(ferry, ["contacts", "add", "a", cardA, "--data", b.dataDir], scratch: root)

        try start(b, extra: [])
        let listenB = try b.waitForStatus(Deadline(seconds: 20, what: "B's control socket")) { _ in true }.listen
        guard let port = listenB.split(separator: ":").last else { throw BenchError.node("B listens on '\(listenB)'") }
        try start(a, extra: ["--peer", "\(b.address)@127.0.0.1:\(port)"])
        let linked = Deadline(seconds: 20, what: "the A–B link")
        _ = try a.waitForStatus(linked) { $0.links >= 1 }
        _ = try b.waitForStatus(linked) { $0.links >= 1 }
    }

    private func start(_ node: BenchNode, extra: [String]) throws {
        let arguments = ["run", "--data", node.dataDir, "--listen", "127.0.0.1:0", "--log-level", "warning"] + extra
        node.process = try ChildProcess.spawn(
            ferry, arguments, name: "ferry run (\(node.name))", stdout: node.dataDir + "/node.out",
            stderr: node.dataDir + "/node.log")
    }

    /// Stops both nodes (SIGTERM, then SIGKILL) and removes the directory. Safe to call twice.
    func tearDown(keepLogs: Bool = false) {
        for node in [a, b] { node.process?.stop() }
        if keepLogs {
            FileHandle.standardError.write(Data("ferry-bench: node logs kept in \(root)\n".utf8))
        } else {
            try? FileManager.default.removeItem(atPath: root)
        }
    }
}
