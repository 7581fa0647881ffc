import ArgumentParser
import FerryControl
import FerryTestbed
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `ferry testbed SCENARIO`: runs a scenario file on real processes (on 127.0.0.1, or each in a
/// network namespace with `--hosts netns`) and reports (docs/TESTBED.md). Exit 0 only if every
/// expectation held; 1 if one did not; 2 for a scenario that cannot run; 3 if the testbed itself
/// failed; 4 if the hosts asked for cannot be made here; 128 + N when stopped by signal N.
struct TestbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "testbed",
        abstract: "Run an outage scenario on a local mesh of real ferry processes, with faults, and report what arrived.")

    @Argument(help: "The scenario file (YAML, docs/TESTBED.md).") var scenario: String
    @OptionGroup var runOptions: TestbedRunOptions

    func run() throws {
        let loaded: Scenario
        do { loaded = try ScenarioFile.load(path: scenario) } catch {
            printError("ferry: \(error)")
            throw ExitCode(2)
        }
        try runOptions.execute(loaded, source: scenario, narration: [])
    }
}

/// The flags `ferry testbed` and `ferry demo` share, and the run they start.
struct TestbedRunOptions: ParsableArguments {
    @Flag(help: "Print only the run report as JSON on stdout at the end (the live view goes to stderr).")
    var json = false

    @Flag(help: "Keep the run directory (each process's data directory and log) and say where it is.")
    var keep = false

    @Option(help: "Seed for the run's random choices (message bodies, spacing of rates); default: the scenario's.")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Also write the report as one self-contained HTML page.", valueName: "file.html"))
    var report: String?

    @Option(help: ArgumentHelp(
        "Where the processes run: loopback (every one on 127.0.0.1) or netns (a network namespace each on one bridge, root only; docs/TESTBED.md).",
        valueName: "kind"))
    var hosts: TestbedHostsKind = .loopback

    /// Runs `scenario`, prints the report, writes the HTML page, and exits with the run's status.
    func execute(_ scenario: Scenario, source: String, narration: [Narration]) throws {
        var options = TestbedOptions(executable: Self.ownExecutable(), source: source)
        options.seed = seed
        options.keep = keep
        options.hosts = hosts
        options.narration = narration
        options.liveViewDescriptor = json ? STDERR_FILENO : STDOUT_FILENO
        options.liveView = LiveView.mode(for: options.liveViewDescriptor)
        let result: RunReport
        do { result = try Testbed(scenario: scenario, options: options).run() } catch let error as TestbedError {
            printError("ferry: \(error)")
            throw ExitCode(error.exitStatus)
        }
        if json { emit(ControlJSON.encode(result)) } else { emit(Array(("\n" + TextReport.render(result)).utf8)) }
        if let report {
            do { try HTMLReport.render(result).write(toFile: report, atomically: true, encoding: .utf8) } catch {
                printError("ferry: cannot write the HTML report to \(report): \(error.localizedDescription)")
                throw ExitCode(3)
            }
        }
        if !result.passed { throw ExitCode(1) }
    }

    /// This very executable (children are started from it, whatever the current directory or PATH).
    static func ownExecutable() -> String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    }
}

/// `--hosts loopback|netns`; a wrong word is refused with the two that exist.
extension TestbedHostsKind: ExpressibleByArgument {}
