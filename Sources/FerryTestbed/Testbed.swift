import FerryControl
import FerryNode
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How to run a scenario.
public struct TestbedOptions {
    /// The `ferry` executable every node and coordinator is started from.
    public var executable: String
    /// Overrides the scenario's seed (`--seed`).
    public var seed: UInt64?
    /// Keep the run directory (data dirs and logs) at the end (`--keep`).
    public var keep = false
    /// Where the live view goes and how it looks.
    public var liveView: LiveView.Mode = .off
    public var liveViewDescriptor: Int32 = STDOUT_FILENO
    /// Short lines said at their time in the live view (`ferry demo` tells its story so).
    public var narration: [Narration] = []
    /// Names the scenario in errors (its file, or "the demo").
    public var source: String
    /// Where the processes live and how links are faulted.
    public var hosts: TestbedHostsKind = .loopback

    public init(executable: String, source: String) {
        self.executable = executable
        self.source = source
    }
}

/// A line of narration at a time of the run.
public struct Narration: Sendable, Equatable {
    public var atMilliseconds: UInt64
    public var text: String

    public init(atMilliseconds: UInt64, text: String) {
        self.atMilliseconds = atMilliseconds
        self.text = text
    }
}

/// Runs one scenario on real `ferry` processes (docs/TESTBED.md §Running a scenario): sets up a
/// data directory per process in one run directory, starts them, plays the timeline on its own
/// monotonic clock while following every inbox, judges the expectations, and stops everything
/// it started (by PID) and removes what it made, also when it fails or is interrupted. One thread:
/// the loop polls the inbox followers and the signal pipe between steps. Not `Sendable`.
public final class Testbed {
    let scenario: Scenario
    let options: TestbedOptions
    let seed: UInt64
    let timeline: Timeline
    let hosts: TestbedHosts
    let view: LiveView
    var members: [TestbedMember] = []
    var byName: [String: TestbedMember] = [:]
    var runDirectory: String?
    var clock = RunClock()
    var startedAt = ""
    var log = DeliveryLog()
    var faults: [FaultRecord] = []
    var linkFaults = LinkFaults()
    var relayRounds: [RelayRound] = []
    /// Things that went wrong with the system under test but are not expectations (a node that
    /// exited on its own, a refused send): each fails the run.
    var problems: [String] = []
    var nextStep = 0
    var nextNarration = 0
    var messageSerial = 0
    var bodyRandom: SeededRandom
    var lastEventText = ""
    /// Timeline events already shown in the live view (a rate shows once, at its first message).
    var announcedEvents: Set<Int> = []

    public init(scenario: Scenario, options: TestbedOptions) {
        self.scenario = scenario
        self.options = options
        seed = options.seed ?? scenario.seed
        timeline = Timeline.plan(scenario, seed: seed)
        let view = LiveView(mode: options.liveView, descriptor: options.liveViewDescriptor)
        self.view = view
        hosts = options.hosts.makeHosts(say: { view.note($0) })
        bodyRandom = SeededRandom(seed: seed ^ 0x6665_7272_7962_6f64)
    }

    /// Runs the scenario to its end and returns the report (`passed` says whether every
    /// expectation held). Throws `TestbedError` for a scenario that cannot run, a runner failure
    /// or a signal; every process is stopped and the run directory removed (unless `keep`) first.
    public func run() throws -> RunReport {
        do {
            try ScenarioCheck.validate(scenario, file: options.source)
        } catch let error as ScenarioError {
            throw TestbedError.scenario(error)
        }
        try SignalWatch.install()
        defer { SignalWatch.uninstall() }
        do {
            try setUp()
            try playTimeline()
            let report = finish()
            cleanUp(grace: TestbedLimits.stopGraceMillisecondsMax)
            return report
        } catch {
            cleanUp(grace: TestbedLimits.abortGraceMillisecondsMax)
            if let known = error as? TestbedError { throw known }
            throw TestbedError.runner("\(error)")
        }
    }

    // MARK: The loop

    private func playTimeline() throws {
        clock = RunClock()
        startedAt = ControlJSON.isoTime(milliseconds: clock.startWallMilliseconds)
        var nextRound: UInt64 = 0
        while true {
            try SignalWatch.check()
            let now = clock.now
            try runDueNarrationAndSteps(now)
            noticeUnexpectedEnds()
            if clock.now >= nextRound {
                statusRound()
                nextRound = nextRoundTime(after: clock.now)
            }
            reconnectFollowers()
            if shouldEnd(clock.now) { return }
            waitForInput(until: min(nextRound, nextStepTime()))
        }
    }

    private func runDueNarrationAndSteps(_ now: UInt64) throws {
        while nextNarration < options.narration.count, options.narration[nextNarration].atMilliseconds <= now {
            view.narrate(options.narration[nextNarration].text, atMs: now)
            nextNarration += 1
        }
        while nextStep < timeline.steps.count, timeline.steps[nextStep].atMilliseconds <= clock.now {
            // Sends due together go out together (to different senders at once); a fault between
            // them keeps its place.
            var sends: [PlannedStep] = []
            while nextStep < timeline.steps.count, timeline.steps[nextStep].atMilliseconds <= clock.now,
                case .send = timeline.steps[nextStep].action
            {
                sends.append(timeline.steps[nextStep])
                nextStep += 1
            }
            if !sends.isEmpty {
                send(sends)
                continue
            }
            let step = timeline.steps[nextStep]
            nextStep += 1
            if case .fault(let event) = step.action { try run(event) }
        }
    }

    private func nextStepTime() -> UInt64 {
        let step = nextStep < timeline.steps.count ? timeline.steps[nextStep].atMilliseconds : UInt64.max
        let line = nextNarration < options.narration.count ? options.narration[nextNarration].atMilliseconds : UInt64.max
        return min(step, line)
    }

    /// Rounds every `statusRoundMilliseconds`, and one at each time a `relayCopiesPurged` looks at.
    private func nextRoundTime(after now: UInt64) -> UInt64 {
        var next = now + TestbedLimits.statusRoundMilliseconds
        for case .relayCopiesPurged(let time) in scenario.expectations where time > now { next = min(next, time) }
        return next
    }

    /// Sleeps in poll(2) until an inbox has something, a signal comes, or `deadline` (run time).
    private func waitForInput(until deadline: UInt64) {
        let now = clock.now
        let sleep = deadline > now ? min(deadline - now, TestbedLimits.loopSleepMillisecondsMax) : 0
        var descriptors = [pollfd(fd: SignalWatch.descriptor, events: Int16(POLLIN), revents: 0)]
        let following = members.filter { $0.follower?.isOpen == true }
        descriptors += following.map { pollfd(fd: $0.follower!.descriptor, events: Int16(POLLIN), revents: 0) }
        _ = poll(&descriptors, nfds_t(descriptors.count), Int32(sleep))
        for (member, polled) in zip(following, descriptors.dropFirst()) where polled.revents != 0 { drainInbox(of: member) }
    }

    /// True when the run has seen enough: past the deadline, or every step run, every expectation
    /// (but "no duplicates", which only the end settles) decided, and a quiet period after the last
    /// step and the last delivery.
    private func shouldEnd(_ now: UInt64) -> Bool {
        if now >= scenario.deadlineMilliseconds { return true }
        guard nextStep >= timeline.steps.count, nextNarration >= options.narration.count else { return false }
        let facts = runFacts(finished: false)
        let judged = scenario.expectations.filter { $0 != .noDuplicates }
        let decided = judged.isEmpty ? log.allDelivered : judged.allSatisfy { Expectations.judge($0, facts).isDecided }
        guard decided else { return false }
        return now >= max(timeline.lastStepMilliseconds, log.lastDeliveryMs) + TestbedLimits.settleMilliseconds
    }

    func runFacts(finished: Bool) -> RunFacts {
        RunFacts(
            nowMs: clock.now, timelineDone: nextStep >= timeline.steps.count, messages: log.records,
            relayRounds: relayRounds, finished: finished)
    }

    // MARK: The end

    /// The last status round, then the report.
    private func finish() -> RunReport {
        statusRound()
        for member in members where member.follower != nil { drainInbox(of: member) }
        let duration = clock.now
        view.finish(atMs: duration)
        var results = Expectations.results(scenario.expectations, runFacts(finished: true))
        results += problems.map { ExpectationResult(description: "the run went as the scenario says", held: false, detail: $0) }
        let nodes = members.map {
            NodeRecord(
                name: $0.name, role: $0.role.rawValue, address: $0.address, peakRssKiB: $0.peakRssKiB,
                storedMessages: $0.storedMessages)
        }
        return RunReport(
            scenario: scenario.name, seed: seed, hosts: hosts.kind, startedAt: startedAt, durationMs: duration,
            messages: log.records, faults: DeliveryLog.recovery(of: faults, messages: log.records), expectations: results,
            nodes: nodes, passed: results.allSatisfy(\.held), hostsNotes: hosts.notes.isEmpty ? nil : hosts.notes)
    }

    /// Stops every process this run started (SIGTERM, then SIGKILL after `grace`), by PID, and
    /// removes the run directory unless asked to keep it. Safe to call at any point of a run.
    func cleanUp(grace: UInt64) {
        let running = members.compactMap(\.process).filter(\.isRunning)
        for process in running { process.signal(SIGTERM) }
        let deadline = RunClock.monotonicNanoseconds() + grace * 1_000_000
        for process in running {
            let now = RunClock.monotonicNanoseconds()
            if process.wait(milliseconds: deadline > now ? (deadline - now) / 1_000_000 : 0) == nil { process.killNow() }
        }
        for member in members { member.processEnded() }
        hosts.tearDown()
        guard let runDirectory else { return }
        if options.keep {
            RunDirectorySweep.unmark(runDirectory)
            view.note("kept \(runDirectory): a data directory and a log (NAME.log) for each node and coordinator")
        } else {
            try? FileManager.default.removeItem(atPath: runDirectory)
        }
        self.runDirectory = nil
    }
}
