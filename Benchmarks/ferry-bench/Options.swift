import Foundation

/// Command-line options: `ferry-bench [--ferry PATH] [--scenarios LIST] [--messages N] … [--json | --summary] [--keep-logs]`.
struct Options {
    var ferry: String
    /// Which scenarios run, by number (1–18); all by default.
    var scenarios = Set(Options.scenarioNumbers)
    /// Messages in the sustained scenario.
    var messages = 2000
    /// Messages in each of the two 64-byte scenarios.
    var smallMessages = 200
    /// Messages queued at A in the reconnect scenario (4).
    var queuedMessages = 1000
    /// Messages in the sustained relayed scenarios (5, 6) and in the relay intake scenario (7).
    var relayMessages = 2000
    /// Items on each side in the reconciliation scenario (8).
    var syncItems = 100_000
    /// Sends per second while C is killed (scenario 10).
    var switchRate = 200
    /// Messages queued at A while C is down (scenario 11).
    var catchUpMessages = 1000
    /// Links scenario 12 tries to hold; nil: as many as the file and port limits allow.
    var links: Int?
    /// New nodes joining the chain in scenario 14, one after another.
    var joinTrials = 5
    /// How long the LAN of scenario 15 is left idle.
    var idleSeconds = 60
    /// Messages a node stores in the memory scenario (16), own and in relay custody.
    var memoryMessages = 2000
    /// The testbed scenario of scenario 17, run with `ferry testbed PATH --json`.
    var testbedScenario = "examples/scenarios/twenty-nodes.yaml"
    /// Nodes already in the mesh a newcomer joins with one seed (scenario 18): a hub and the rest.
    var exchangePeers = 7
    var cryptoIterations = 500
    var json = false
    /// Print `figure<TAB>value<TAB>against` lines for scripts/bench-all.sh instead of the tables.
    var summary = false
    var keepLogs = false

    static let scenarioNumbers = 1...18
    /// A newcomer aims for 8 links (`CoreLimits.targetLinks`): the hub and up to 7 others.
    static let exchangePeersMax = 8
    /// At most this many relay copies: A's spray queue per link holds 4096 offers
    /// (`CoreLimits.sprayQueuePerLinkMax`), and 4000 envelopes of ~5.3 KB stay under a relay's
    /// 32 MiB share per origin and per destination.
    static let relayMessagesMax = 4000

    static let usage = """
        usage: ferry-bench [--ferry PATH] [--scenarios LIST] [--messages N] [--small-messages N] [--queued-messages N]
                           [--relay-messages N] [--sync-items N] [--switch-rate N] [--catch-up-messages N] [--links N]
                           [--join-trials N] [--idle-seconds N] [--memory-messages N] [--testbed-scenario PATH]
                           [--exchange-peers N] [--crypto-iterations N] [--json | --summary] [--keep-logs]
          --ferry PATH           the ferry binary (default: next to ferry-bench)
          --scenarios LIST       scenarios to run, comma-separated numbers (default 1,2,...,18):
                                 1 sustained, 2 one at a time, 3 back to back, 4 queued 64 KiB delivered on reconnect,
                                 5 through one relay, 6 through a chain of 3 relays, 7 a relay's intake with custody
                                 persisted, 8 set reconciliation (in process), 9 A → coordinator C → B,
                                 10 C killed mid-run (A–R–B takes over), 11 catch-up when C restarts,
                                 12 links held by one coordinator, 13 LAN of 4 and of 12 fully linked by
                                 beacons, 14 a new node's address sendable at the far end of a 5-node chain, 15 beacon
                                 and link bytes per node at rest on a LAN of 4 (13 and 15 need root and network
                                 namespaces; without them they are skipped with a line saying why), 16 memory and
                                 disk of a node storing messages, 17 a testbed scenario (ferry testbed), 18 peer
                                 exchange: a newcomer with one seed linked to a whole mesh
          --messages N           messages in the sustained 256-byte scenario (default 2000, at most 100000)
          --small-messages N     messages in each 64-byte scenario, relayed ones too (default 200, at most 10000)
          --queued-messages N    64 KiB messages queued at A in scenario 4 (default 1000, at most 5000)
          --relay-messages N     256-byte messages in the sustained runs of 5 and 6 and in 7 (default 2000, at most 4000)
          --sync-items N         items on each side in scenario 8 (default 100000, at most 1000000)
          --switch-rate N        sends per second in scenario 10 (default 200, at most 1000)
          --catch-up-messages N  messages queued at A while C is down in scenario 11 (default 1000, at most 4000)
          --links N              links scenario 12 opens at most (default: as many as open files and local ports allow)
          --join-trials N        new nodes joining the chain in scenario 14 (default 5, at most 50)
          --idle-seconds N       idle window of scenario 15 (default 60, at most 3600)
          --memory-messages N    messages stored in scenario 16 (default 2000, at most 4000)
          --testbed-scenario PATH  the scenario file of 17 (default examples/scenarios/twenty-nodes.yaml)
          --exchange-peers N     nodes already in the mesh in scenario 18 (default 7, at most 8)
          --crypto-iterations N  seal/open iterations for the crypto bound (default 500)
          --json                 print the figures as JSON instead of Markdown
          --summary              print one line per headline figure, figure<TAB>value<TAB>against (scripts/bench-all.sh)
          --keep-logs            keep the temporary data directories and node logs
        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options(ferry: defaultFerryPath())
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "--ferry": options.ferry = try value(flag, &rest)
            case "--messages": options.messages = try count(flag, &rest, max: 100_000)
            case "--small-messages": options.smallMessages = try count(flag, &rest, max: 10_000)
            // 5000 × ~70 KB envelopes is ~350 MB in each node's data directory: enough for any run.
            case "--queued-messages": options.queuedMessages = try count(flag, &rest, max: 5000)
            case "--relay-messages": options.relayMessages = try count(flag, &rest, max: relayMessagesMax)
            // Scenario 8 holds both sides' items and their sorted copies: ~100 MB at the maximum.
            case "--sync-items": options.syncItems = try count(flag, &rest, max: 1_000_000)
            case "--switch-rate": options.switchRate = try count(flag, &rest, max: 1000)
            // A hands all of them to C on the link: its spray queue per link holds 4096.
            case "--catch-up-messages": options.catchUpMessages = try count(flag, &rest, max: 4000)
            case "--links": options.links = try count(flag, &rest, max: 1_000_000)
            case "--join-trials": options.joinTrials = try count(flag, &rest, max: 50)
            case "--idle-seconds": options.idleSeconds = try count(flag, &rest, max: 3600)
            case "--scenarios": options.scenarios = try scenarioList(flag, &rest)
            // Stored as relay copies too: the same spray-queue and quota bounds as --relay-messages.
            case "--memory-messages": options.memoryMessages = try count(flag, &rest, max: relayMessagesMax)
            case "--testbed-scenario": options.testbedScenario = try value(flag, &rest)
            case "--exchange-peers": options.exchangePeers = try count(flag, &rest, max: exchangePeersMax)
            case "--crypto-iterations": options.cryptoIterations = try count(flag, &rest, max: 100_000)
            case "--json": options.json = true
            case "--summary": options.summary = true
            case "--keep-logs": options.keepLogs = true
            case "--help", "-h": throw BenchError.usage(usage)
            default: throw BenchError.usage("unknown option \(flag)\n\(usage)")
            }
        }
        guard !(options.json && options.summary) else { throw BenchError.usage("--json and --summary exclude each other\n\(usage)") }
        guard FileManager.default.isExecutableFile(atPath: options.ferry) else {
            throw BenchError.usage("no ferry binary at \(options.ferry); build it (swift build -c release --product ferry) or pass --ferry PATH")
        }
        return options
    }

    private static func value(_ flag: String, _ rest: inout ArraySlice<String>) throws -> String {
        guard let value = rest.popFirst() else { throw BenchError.usage("\(flag) needs a value\n\(usage)") }
        return value
    }

    private static func count(_ flag: String, _ rest: inout ArraySlice<String>, max: Int) throws -> Int {
        let text = try value(flag, &rest)
        guard let number = Int(text), number >= 1, number <= max else {
            throw BenchError.usage("\(flag) takes a number from 1 to \(max), not '\(text)'")
        }
        return number
    }

    /// "1,2,4" → [1, 2, 4]; each a known scenario, at least one.
    private static func scenarioList(_ flag: String, _ rest: inout ArraySlice<String>) throws -> Set<Int> {
        let text = try value(flag, &rest)
        var chosen: Set<Int> = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let number = Int(item.trimmingCharacters(in: .whitespaces)), scenarioNumbers.contains(number) else {
                throw BenchError.usage("\(flag) takes scenario numbers 1 to \(scenarioNumbers.upperBound) separated by commas, not '\(text)'")
            }
            chosen.insert(number)
        }
        return chosen
    }

    /// `ferry` in the directory of this executable.
    private static func defaultFerryPath() -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("ferry").path
    }
}
