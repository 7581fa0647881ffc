/// A testbed scenario (docs/TESTBED.md): the nodes and coordinators of a local mesh, who links to
/// whom, a timeline of traffic and faults, and what must hold at the end. Parsed from YAML by
/// `ScenarioFile`; run by `Testbed`.
public struct Scenario: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// Seeds every random choice of the run (message bodies, rates' spacing); `--seed` overrides.
    public var seed: UInt64
    /// LAN beacons and peer exchange on the nodes (off by default: scenarios build exact topologies).
    public var discovery: Bool
    public var coordinators: [CoordinatorSpec]
    public var nodes: [NodeSpec]
    /// The events, in time order (ties keep file order).
    public var timeline: [TimedEvent]
    public var expectations: [Expectation]
    /// The run ends at the latest then (ms from the start), expectations or not.
    public var deadlineMilliseconds: UInt64

    public init(
        name: String, description: String? = nil, seed: UInt64 = 1, discovery: Bool = false,
        coordinators: [CoordinatorSpec] = [], nodes: [NodeSpec], timeline: [TimedEvent], expectations: [Expectation],
        deadlineMilliseconds: UInt64 = 60_000
    ) {
        self.name = name
        self.description = description
        self.seed = seed
        self.discovery = discovery
        self.coordinators = coordinators
        self.nodes = nodes
        self.timeline = timeline
        self.expectations = expectations
        self.deadlineMilliseconds = deadlineMilliseconds
    }
}

/// One coordinator of a scenario.
public struct CoordinatorSpec: Sendable, Equatable {
    public var name: String
    /// Other coordinators it reconciles with (`--peer`).
    public var peers: [String]
    /// Started at 0 (else only by a `start` event).
    public var startsRunning: Bool

    public init(name: String, peers: [String] = [], startsRunning: Bool = true) {
        self.name = name
        self.peers = peers
        self.startsRunning = startsRunning
    }
}

/// One node of a scenario.
public struct NodeSpec: Sendable, Equatable {
    public var name: String
    /// Nodes it dials (`--peer`, pinned to their addresses).
    public var peers: [String]
    /// Coordinators it uses (`--coordinator`).
    public var coordinators: [String]
    /// Started at 0 (else only by a `start` event: a node that joins later).
    public var startsRunning: Bool

    public init(name: String, peers: [String] = [], coordinators: [String] = [], startsRunning: Bool = true) {
        self.name = name
        self.peers = peers
        self.coordinators = coordinators
        self.startsRunning = startsRunning
    }
}

/// An event at a time (ms from the start), with the file line it came from for error messages.
public struct TimedEvent: Sendable, Equatable {
    public var atMilliseconds: UInt64
    public var event: Event
    public var line: Int

    public init(atMilliseconds: UInt64, event: Event, line: Int = 0) {
        self.atMilliseconds = atMilliseconds
        self.event = event
        self.line = line
    }
}

/// What can happen during a run.
public enum Event: Sendable, Equatable {
    /// `count` messages from one node to another, at once (`bytes` each).
    case send(from: String, to: String, count: Int, bytes: Int)
    /// Messages at `perSecond` for `forMilliseconds`.
    case rate(from: String, to: String, perSecond: Double, forMilliseconds: UInt64, bytes: Int)
    /// SIGKILL (a crash); `restart` brings it back on the same data dir and port.
    case kill(String)
    case restart(String)
    /// SIGTERM (a clean leave), and a start (a join, or back after a stop).
    case stop(String)
    case start(String)
    /// The link between two nodes (or a node and a coordinator) goes down / comes back.
    case cut(String, String)
    case heal(String, String)
    /// Split the mesh into parts: every link between different parts is cut. `heal` of `join`
    /// restores them all.
    case split([[String]])
    case join
    /// Loss (percent) and delay on the link between two nodes; `clear` removes them.
    case impair(String, String, lossPercent: Double, delayMilliseconds: UInt64)
    case clear(String, String)
}

/// What must hold for a run to pass (exit 0).
public enum Expectation: Sendable, Equatable {
    /// Every message sent is in its recipient's inbox within this time after it was sent.
    case allDelivered(withinMilliseconds: UInt64)
    /// No message shows twice in an inbox.
    case noDuplicates
    /// Every message sent is delivered by this time from the start.
    case deliveredBy(milliseconds: UInt64)
    /// Messages sent in [from, to) ms were delivered by this path (`direct`, `coordinator`, `mesh`).
    case path(String, sentFromMilliseconds: UInt64, sentToMilliseconds: UInt64)
    /// By this time from the start no node holds a relay copy (proofs purged them).
    case relayCopiesPurged(byMilliseconds: UInt64)
}
