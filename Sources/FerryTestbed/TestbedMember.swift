import FerryControl
import FerryNode

/// One node or coordinator of a run: its data directory and log, its command line, its process
/// while it runs, and what the runner last saw of it. Not `Sendable`: the runner's thread owns it.
final class TestbedMember {
    enum Role: String {
        case node
        case coordinator
    }

    let name: String
    let role: Role
    let dataDir: String
    let logPath: String
    /// Its Ferry address (32 hex characters), set when its identity is made.
    var address = ""
    /// Its contact card, for the other nodes' contact books.
    var card = ""
    /// The `ferry` arguments that start it (`run …` or `coordinator …`), the same at every start.
    var arguments: [String] = []
    var process: TestbedProcess?
    var follower: InboxFollower?
    /// The last inbox sequence number read, so a new follower goes on from there.
    var lastSeq: Int64 = 0
    /// The latest `status` it answered (nil while down).
    var status: NodeStatus?
    var peakRssKiB: UInt64?
    /// What it held at the last status round it was up for (own undelivered, relay, mailbox).
    var storedMessages: Int?
    private var control: ControlClient?

    init(name: String, role: Role, runDirectory: String) {
        self.name = name
        self.role = role
        dataDir = runDirectory + "/" + name
        logPath = runDirectory + "/" + name + ".log"
    }

    var controlSocketPath: String { dataDir + "/control.sock" }
    var isUp: Bool { process?.isRunning ?? false }
    var linkEnd: LinkEnd { LinkEnd(name: name, address: address, controlSocketPath: controlSocketPath) }

    /// One request and its reply on a kept control connection; a failure drops the connection so
    /// the next call opens a new one.
    func call(_ request: ControlRequest, timeoutMilliseconds: Int) throws -> ControlReply {
        do {
            return try controlClient().call(request, timeoutMilliseconds: timeoutMilliseconds)
        } catch {
            control = nil
            throw error
        }
    }

    /// The kept control connection (opened on first use).
    func controlClient() throws -> ControlClient {
        if let control { return control }
        let opened = try ControlClient(socketPath: controlSocketPath, dataDir: dataDir)
        control = opened
        return opened
    }

    /// Drops the kept control connection (after an error on it); the next call opens another.
    func dropControl() { control = nil }

    /// Forgets the connections of a process that has ended.
    func processEnded() {
        follower?.shut("the process ended")
        follower = nil
        control = nil
        status = nil
        process = nil
    }

    /// Takes a memory sample into the peak.
    func sampleMemory() {
        guard let kib = process?.peakResidentKiB() else { return }
        peakRssKiB = max(peakRssKiB ?? 0, kib)
    }
}
