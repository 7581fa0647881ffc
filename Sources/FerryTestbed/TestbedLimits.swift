/// The runner's bounds and periods, in one place (docs/TESTBED.md §Running a scenario). Unit last.
enum TestbedLimits {
    /// A started node or coordinator must answer `status` on its control socket within this.
    static let memberStartMillisecondsMax: UInt64 = 20_000
    /// After the processes answer, links between them are awaited this long before the timeline
    /// starts anyway (with a warning line).
    static let topologyReadyMillisecondsMax: UInt64 = 15_000
    /// SIGTERM, then SIGKILL if the process has not exited within this (`stop`, and the end of a run).
    static let stopGraceMillisecondsMax: UInt64 = 5_000
    /// On Ctrl-C or a runner failure: SIGTERM, then SIGKILL after this.
    static let abortGraceMillisecondsMax: UInt64 = 1_000
    /// Reply deadlines on the control socket.
    static let statusCallMillisecondsMax = 2_000
    static let sendCallMillisecondsMax = 10_000
    static let faultCallMillisecondsMax = 5_000
    /// How often every node's `status` and memory are sampled (and a terminal's table redrawn).
    static let statusRoundMilliseconds: UInt64 = 500
    /// Without a terminal, a progress line this often.
    static let progressLineMilliseconds: UInt64 = 5_000
    /// Quiet time after the last event and the last delivery before a run may end, so that a
    /// duplicate arriving late is still seen.
    static let settleMilliseconds: UInt64 = 2_000
    /// Longest the main loop sleeps in poll(2), so signals and deadlines are looked at often.
    static let loopSleepMillisecondsMax: UInt64 = 100
    /// Most messages one run may send (the records of all of them stay in memory).
    static let messagesMax = 200_000
    /// Largest message body a scenario may ask for (the control socket's `send` limit).
    static let messageBytesMax = 65_536
    /// Longest delay an `impair` may set.
    static let impairDelayMillisecondsMax: UInt64 = 60_000
    /// Most processes in one run (each needs a port, a data dir and a control connection or two).
    static let membersMax = 256
    /// Most inbox bytes buffered from one follower before its lines are decoded.
    static let followerReadBytes = 64 * 1024
    /// A run's message ids and details shown in an expectation's detail.
    static let detailExamplesMax = 5
}
