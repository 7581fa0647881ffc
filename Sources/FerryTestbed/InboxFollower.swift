import FerryControl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Follows one node's inbox (`{"op":"inbox","after":SEQ,"follow":true}` on its control socket)
/// without blocking the runner: the runner polls `descriptor` with the others and calls `drain`
/// when it is readable. A node that stops or is killed closes the connection; the runner opens a
/// new follower once the node is back, after the last sequence number seen, so nothing is read
/// twice and nothing is missed. Not `Sendable`: the runner's one thread owns it.
final class InboxFollower {
    private(set) var descriptor: Int32
    private var lines = LineBuffer()
    /// Why it closed, when it has.
    private(set) var closedReason: String?

    /// Connects and asks for every message after `afterSeq`, then new ones as they come.
    init(socketPath: String, afterSeq: Int64) throws {
        descriptor = try Self.connect(socketPath)
        let request = ControlRequest(op: "inbox", after: afterSeq, follow: true)
        do { try Self.writeAll(descriptor, ControlJSON.encode(request)) } catch {
            close(descriptor)
            throw error
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    var isOpen: Bool { descriptor >= 0 }

    /// Reads what is there (never blocks) and returns the messages in it. A closed connection
    /// or a reply that is not ok closes the follower.
    func drain() -> [InboxItem] {
        guard descriptor >= 0 else { return [] }
        var items: [InboxItem] = []
        var chunk = [UInt8](repeating: 0, count: TestbedLimits.followerReadBytes)
        // Bounded: a node streaming without pause still lets the runner go on to its other work.
        for _ in 0..<64 {
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            guard count > 0 else {
                shut(count == 0 ? "the node closed the connection" : String(cString: strerror(errno)))
                break
            }
            let complete: [[UInt8]]
            do { complete = try lines.push(Array(chunk[0..<count])) } catch {
                shut("a reply line was too long")
                break
            }
            for line in complete {
                guard let reply = try? ControlJSON.decode(ControlReply.self, from: line), reply.ok else {
                    shut("unexpected reply: \(String(decoding: line.prefix(200), as: UTF8.self))")
                    break
                }
                if let message = reply.message { items.append(message) }
            }
            if descriptor < 0 { break }
        }
        return items
    }

    /// Closes the connection (idempotent).
    func shut(_ reason: String) {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        closedReason = reason
    }

    private static func connect(_ path: String) throws -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw ControlError.pathTooLong(path) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ControlError.io(String(cString: strerror(errno))) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ControlError.io(reason)
        }
        return fd
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw ControlError.io(String(cString: strerror(errno))) }
            offset += written
        }
    }
}
