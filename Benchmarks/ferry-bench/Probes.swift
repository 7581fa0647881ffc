import FerryControl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Small in-process measurements that help explain where a message's time goes beyond crypto.
struct Probes: Codable {
    /// One durable commit on the filesystem the data directories live on: a 4 KiB append and
    /// fdatasync, as SQLite's WAL does with synchronous=FULL (p50 over the samples).
    var fdatasyncP50Microseconds: Double
    var fdatasyncP99Microseconds: Double
    /// The control-socket JSON work one 256-byte message costs the nodes: decode the `send`
    /// request and encode its reply on A, encode the inbox line on B.
    var controlJSONMicroseconds: Double

    static func measure(directory: String, samples: Int) throws -> Probes {
        let sync = try fdatasyncSamples(directory: directory, samples: samples)
        return Probes(
            fdatasyncP50Microseconds: sync.p50Ms * 1000, fdatasyncP99Microseconds: sync.p99Ms * 1000,
            controlJSONMicroseconds: try controlJSON(samples: samples * 5))
    }

    private static func fdatasyncSamples(directory: String, samples: Int) throws -> LatencySummary {
        let path = directory + "/fsync-probe"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw BenchError.command("cannot create \(path)") }
        defer {
            close(fd)
            unlink(path)
        }
        let page = [UInt8](repeating: 0xA5, count: 4096)
        var times: [UInt64] = []
        for _ in 0..<samples {
            let start = MonotonicClock.nanoseconds()
            guard write(fd, page, page.count) == page.count, fdatasync(fd) == 0 else {
                throw BenchError.command("write/fdatasync on \(path) failed")
            }
            times.append(MonotonicClock.nanoseconds() - start)
        }
        return LatencySummary(nanoseconds: times)
    }

    private static func controlJSON(samples: Int) throws -> Double {
        var random = SeededRandom(seed: Payload.seed)
        let text = Payload.texts(count: 1, byteCount: 256, random: &random)[0]
        let request = ControlJSON.encode(ControlRequest(op: "send", to: "b", text: text))
        var sendReply = ControlReply(ok: true)
        sendReply.id = String(repeating: "ab", count: 16)
        var inboxReply = ControlReply(ok: true)
        inboxReply.message = InboxItem(
            seq: 1, id: String(repeating: "ab", count: 16), from: String(repeating: "cd", count: 16), fromName: "a",
            text: text, sentAtMs: 1_800_000_000_000, receivedAtMs: 1_800_000_000_001, path: "direct", hops: 1)
        var bytes = 0
        let start = MonotonicClock.nanoseconds()
        for _ in 0..<samples {
            let decoded = try ControlJSON.decode(ControlRequest.self, from: Array(request.dropLast()))
            bytes += decoded.text?.utf8.count ?? 0
            bytes += ControlJSON.encode(sendReply).count + ControlJSON.encode(inboxReply).count
        }
        precondition(bytes > 0)
        return Double(MonotonicClock.nanoseconds() - start) / 1e3 / Double(samples)
    }
}
