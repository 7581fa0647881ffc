import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where and with what the figures were taken.
struct Machine: Codable {
    var date: String
    var cpus: Int
    var cpuModel: String
    var ramMebibytes: Int
    var kernel: String
    var ferryPath: String
    /// `release` or `debug`, from the build directory the ferry binary sits in.
    var ferryBuild: String
    var benchBuild: String

    static func describe(ferryPath: String) -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let model = value(of: "model name", in: cpuinfo, separator: ":") ?? "unknown"
        let memKiB = value(of: "MemTotal", in: meminfo, separator: ":")?.split(separator: " ").first.flatMap { Int($0) } ?? 0
        var name = utsname()
        uname(&name)
        let kernel = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        #if DEBUG
        let bench = "debug"
        #else
        let bench = "release"
        #endif
        return Machine(
            date: ISO8601DateFormatter().string(from: Date()), cpus: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
            cpuModel: model, ramMebibytes: memKiB / 1024, kernel: kernel, ferryPath: ferryPath,
            ferryBuild: buildConfiguration(of: ferryPath), benchBuild: bench)
    }

    private static func value(of key: String, in text: String, separator: Character) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            if let index = line.firstIndex(of: separator) {
                return line[line.index(after: index)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// SwiftPM puts products in `<scratch>/<triple>/release` (symlinked as `<scratch>/release`).
    private static func buildConfiguration(of path: String) -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent().lastPathComponent
        switch resolved {
        case "release", "debug": return resolved
        default: return "unknown (\(resolved))"
        }
    }
}
