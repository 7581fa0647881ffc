/// Why a run did not produce a report, with the exit status the CLI gives it (docs/CLI.md
/// §ferry testbed).
public enum TestbedError: Error, CustomStringConvertible {
    /// The scenario cannot run as written (exit 2).
    case scenario(ScenarioError)
    /// The runner itself failed: a process would not start, a port could not be found (exit 3).
    case runner(String)
    /// The hosts asked for cannot be made on this machine (`--hosts netns` without root, without
    /// `ip`, or on a kernel that refuses namespaces or bridges): exit 4, and `--hosts loopback`
    /// still works.
    case hostsUnavailable(String)
    /// Stopped by SIGINT, SIGTERM or SIGHUP (exit 128 + the signal, as a shell reports it).
    case interrupted(signal: Int32)

    public var exitStatus: Int32 {
        switch self {
        case .scenario: return 2
        case .runner: return 3
        case .hostsUnavailable: return 4
        case .interrupted(let signal): return 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .scenario(let error): return "scenario error: \(error)"
        case .runner(let text): return "the testbed failed: \(text)"
        case .hostsUnavailable(let text):
            return "--hosts netns cannot run here: \(text); --hosts loopback (the default) runs the same scenario on 127.0.0.1"
        case .interrupted(let signal): return "interrupted by signal \(signal); every process of the run was stopped"
        }
    }
}
