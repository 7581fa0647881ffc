import FerryWire

/// Bounds on what a scenario file may ask for (docs/TESTBED.md §Limits), unit last. They keep a run
/// something a laptop or a 2-core CI runner can do in real processes: a typo like `count: 1000000`
/// is an error at its line, not an hour of swapping.
public enum ScenarioLimits {
    /// Largest scenario file read: a scenario is a page; this leaves room for long timelines.
    public static let fileBytesMax = 1 << 20
    /// Values in the YAML tree (keys, items and scalars), aliases counted at each use.
    public static let yamlValuesMax = 200_000
    /// Nodes and coordinators together: each is a real process with its own data dir and port.
    public static let processesMax = 64
    /// A node or coordinator name: it becomes a contact name, a directory name and a label.
    public static let nameBytesMax = 32
    /// The scenario's own name (used in the run's directory name).
    public static let scenarioNameBytesMax = 64
    public static let descriptionBytesMax = 4096
    /// The longest run.
    public static let deadlineMillisecondsMax: UInt64 = 30 * 60_000
    /// The deadline when the file gives none.
    public static let deadlineMillisecondsDefault: UInt64 = 60_000
    /// Messages sent in the whole run (every `send` count and every `rate`'s messages, after lists
    /// of senders and recipients are expanded).
    public static let messagesMax = 100_000
    /// Timeline events after lists are expanded (`kill: [a, b]` is two).
    public static let eventsMax = 10_000
    /// A message body: what `ferry send` accepts.
    public static let messageBytesMax = WireLimits.messageBodyBytesMax
    /// A message body when `bytes` is not given.
    public static let messageBytesDefault = 64
    /// The fastest `rate` from one sender to one recipient.
    public static let ratePerSecondMax = 1000.0
    /// The largest `delay` of an `impair`.
    public static let impairDelayMillisecondsMax: UInt64 = 10_000
}
