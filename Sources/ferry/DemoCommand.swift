import ArgumentParser
import FerryTestbed

/// `ferry demo`: the built-in outage story (docs/TESTBED.md §The demo), run by the testbed with
/// its live view, narration and final report. Same flags as `ferry testbed` and same exit codes.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "A coordinator and five nodes on 127.0.0.1: the coordinator goes away and comes back, a node goes offline; watch every message arrive.")

    @OptionGroup var runOptions: TestbedRunOptions

    func run() throws {
        try runOptions.execute(DemoScenario.scenario, source: "the demo", narration: DemoScenario.narration)
    }
}
