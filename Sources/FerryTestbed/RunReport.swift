/// What a testbed run saw, for the text, JSON and HTML reports (docs/TESTBED.md §Reports). Times are
/// milliseconds from the start of the run, on the runner's clock.
public struct RunReport: Codable, Sendable, Equatable {
    public var scenario: String
    public var seed: UInt64
    /// `loopback` or `netns`.
    public var hosts: String
    /// When the run started (ISO 8601 UTC) and how long it took.
    public var startedAt: String
    public var durationMs: UInt64
    public var messages: [MessageRecord]
    public var faults: [FaultRecord]
    public var expectations: [ExpectationResult]
    public var nodes: [NodeRecord]
    /// True when every expectation held (the exit status is 0 exactly then).
    public var passed: Bool
    /// How this run's hosts carried out faults differently from what their kind promises, one
    /// sentence each (`--hosts netns` on a kernel without netem: loss and delay by the fault hook);
    /// nil when there is nothing to say. JSON `hosts_notes`, left out when nil.
    public var hostsNotes: [String]?

    public init(
        scenario: String, seed: UInt64, hosts: String, startedAt: String, durationMs: UInt64,
        messages: [MessageRecord], faults: [FaultRecord], expectations: [ExpectationResult], nodes: [NodeRecord],
        passed: Bool, hostsNotes: [String]? = nil
    ) {
        self.scenario = scenario
        self.seed = seed
        self.hosts = hosts
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.messages = messages
        self.faults = faults
        self.expectations = expectations
        self.nodes = nodes
        self.passed = passed
        self.hostsNotes = hostsNotes
    }
}

/// One message the runner sent, and what became of it.
public struct MessageRecord: Codable, Sendable, Equatable {
    /// The message id `ferry send` returned.
    public var id: String
    public var from: String
    public var to: String
    public var sentMs: UInt64
    /// When the recipient's inbox first showed it (nil: never, within the run).
    public var deliveredMs: UInt64?
    /// `direct`, `coordinator` or `mesh`, as the recipient's inbox reports it.
    public var path: String?
    public var hops: Int?
    /// How many times beyond the first it showed in the inbox (0 unless something is wrong).
    public var duplicates: Int

    public init(
        id: String, from: String, to: String, sentMs: UInt64, deliveredMs: UInt64? = nil, path: String? = nil,
        hops: Int? = nil, duplicates: Int = 0
    ) {
        self.id = id
        self.from = from
        self.to = to
        self.sentMs = sentMs
        self.deliveredMs = deliveredMs
        self.path = path
        self.hops = hops
        self.duplicates = duplicates
    }

    /// Delivery latency, when it was delivered.
    public var latencyMs: UInt64? { deliveredMs.map { $0 >= sentMs ? $0 - sentMs : 0 } }
}

/// One fault the runner injected (or a node it started or stopped), and when traffic recovered.
public struct FaultRecord: Codable, Sendable, Equatable {
    public var atMs: UInt64
    /// `kill`, `restart`, `stop`, `start`, `cut`, `heal`, `split`, `join`, `impair`, `clear`.
    public var kind: String
    /// Human text: "kill coordinator c1", "cut a–b".
    public var description: String
    /// Time from the fault to the first delivery of a message sent at or after it (nil: none).
    public var recoveryMs: UInt64?

    public init(atMs: UInt64, kind: String, description: String, recoveryMs: UInt64? = nil) {
        self.atMs = atMs
        self.kind = kind
        self.description = description
        self.recoveryMs = recoveryMs
    }
}

/// One expectation and whether it held.
public struct ExpectationResult: Codable, Sendable, Equatable {
    /// The expectation as the scenario states it ("all delivered within 10 s").
    public var description: String
    public var held: Bool
    /// Why not, or what was measured ("3 of 120 missing: ...").
    public var detail: String

    public init(description: String, held: Bool, detail: String) {
        self.description = description
        self.held = held
        self.detail = detail
    }
}

/// One node or coordinator of the run.
public struct NodeRecord: Codable, Sendable, Equatable {
    public var name: String
    /// `node` or `coordinator`.
    public var role: String
    public var address: String
    /// Peak resident memory seen while it ran (KiB; from /proc, sampled), nil if never sampled.
    public var peakRssKiB: UInt64?
    /// Messages it held at the end (own + relay + mailbox), when it was up to say.
    public var storedMessages: Int?

    /// `peakRssKiB` is keyed `peakRssKib`, so snake_case JSON reads `peak_rss_kib` (not `peak_rss_ki_b`).
    enum CodingKeys: String, CodingKey {
        case name, role, address, storedMessages
        case peakRssKiB = "peakRssKib"
    }

    public init(name: String, role: String, address: String, peakRssKiB: UInt64? = nil, storedMessages: Int? = nil) {
        self.name = name
        self.role = role
        self.address = address
        self.peakRssKiB = peakRssKiB
        self.storedMessages = storedMessages
    }
}
