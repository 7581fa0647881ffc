import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why the CLI could not talk to its node; each says what to do.
public enum ControlError: Error, CustomStringConvertible {
    /// No node answers on `dataDir`'s socket. `lastRun`: the arguments of the last `ferry run`
    /// there, if known, for the hint (the CLI reads them from the data directory).
    case notRunning(dataDir: String, lastRun: [String]? = nil)
    case pathTooLong(String)
    case timedOut
    case closed
    case io(String)
    case badReply(String)

    public var description: String {
        switch self {
        case .notRunning(let dir, let lastRun):
            let arguments = lastRun ?? ["--data", dir, "--listen", "127.0.0.1:7000"]
            let command = (["ferry", "run"] + arguments.map(TerminalText.shellWord)).joined(separator: " ")
            // Escaped: the line must stay one line whatever a directory name holds.
            return TerminalText.escape("no ferry node is running on \(dir); start one with: \(command)")
        case .pathTooLong(let path): return "control socket path \(path) is too long for a Unix socket; use a shorter --data directory"
        case .timedOut: return "timed out waiting for the node"
        case .closed: return "the node closed the control connection (did it stop?)"
        case .io(let what): return "control socket: \(what)"
        case .badReply(let what): return "unexpected reply from the node: \(what)"
        }
    }
}

/// A small blocking client for the control socket, used by the CLI (one process, one thread).
public final class ControlClient {
    private let fd: Int32
    private var lines = LineBuffer()
    private var ready: [[UInt8]] = []

    /// Connects to the node's control socket at `socketPath`.
    public init(socketPath: String, dataDir: String) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw ControlError.pathTooLong(socketPath) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ControlError.io(String(cString: strerror(errno))) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result != 0 {
            let code = errno
            close(fd)
            if code == ENOENT || code == ECONNREFUSED { throw ControlError.notRunning(dataDir: dataDir) }
            throw ControlError.io(String(cString: strerror(code)))
        }
    }

    deinit { close(fd) }

    /// Sends one request line.
    public func send(_ request: ControlRequest) throws {
        try writeAll(ControlJSON.encode(request))
    }

    /// Reads the next reply; waits at most `timeoutMilliseconds` (nil: forever).
    public func receive(timeoutMilliseconds: Int? = nil) throws -> ControlReply {
        let deadline = timeoutMilliseconds.map { DispatchTime.now().uptimeNanoseconds + UInt64($0) * 1_000_000 }
        while ready.isEmpty {
            var remaining: Int32 = -1
            if let deadline {
                let now = DispatchTime.now().uptimeNanoseconds
                guard now < deadline else { throw ControlError.timedOut }
                remaining = Int32(min((deadline - now) / 1_000_000 + 1, UInt64(Int32.max)))
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let polled = poll(&poller, 1, remaining)
            if polled < 0 && errno == EINTR { continue }
            guard polled > 0 else { throw ControlError.timedOut }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let count = read(fd, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw ControlError.closed }
            do { ready += try lines.push(Array(chunk[0..<count])) } catch { throw ControlError.badReply("line too long") }
        }
        let line = ready.removeFirst()
        do { return try ControlJSON.decode(ControlReply.self, from: line) } catch {
            throw ControlError.badReply(String(decoding: line.prefix(200), as: UTF8.self))
        }
    }

    /// One request, one reply.
    public func call(_ request: ControlRequest, timeoutMilliseconds: Int? = 30_000) throws -> ControlReply {
        try send(request)
        return try receive(timeoutMilliseconds: timeoutMilliseconds)
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw errno == EPIPE ? ControlError.closed : ControlError.io(String(cString: strerror(errno)))
            }
            offset += written
        }
    }
}
