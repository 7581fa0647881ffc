import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reading with a deadline, writing with a deadline, and ending a connection with a reset: what a
/// hostile peer needs beyond `RawSocket.write`.
extension RawSocket {
    /// Bytes read per call at most.
    static let readChunkBytes = 64 * 1024

    /// Waits up to `timeoutMilliseconds` for bytes. Returns them, `[]` when none came in time, or
    /// nil when the other side closed (EOF) or reset the connection.
    func readSome(timeoutMilliseconds: Int32) throws -> [UInt8]? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let polled = poll(&poller, 1, timeoutMilliseconds)
        if polled < 0 && errno == EINTR { return [] }
        guard polled >= 0 else { throw HarnessError("poll: \(String(cString: strerror(errno)))") }
        guard polled > 0 else { return [] }
        var chunk = [UInt8](repeating: 0, count: Self.readChunkBytes)
        let count = recv(fd, &chunk, chunk.count, Int32(MSG_DONTWAIT))
        if count < 0 {
            switch errno {
            case EINTR, EAGAIN: return []
            case ECONNRESET, EPIPE, ENOTCONN: return nil
            default: throw HarnessError("recv: \(String(cString: strerror(errno)))")
            }
        }
        return count == 0 ? nil : Array(chunk[0..<count])
    }

    /// Writes all of `bytes` within `seconds`; throws if the other side went away or stopped
    /// reading for that long.
    func writeAll(_ bytes: [UInt8], seconds: TimeInterval) throws {
        let deadline = Date().addingTimeInterval(seconds)
        var offset = 0
        while offset < bytes.count {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw HarnessError("could not write \(bytes.count - offset) of \(bytes.count) bytes within \(seconds) s") }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let polled = poll(&poller, 1, Int32(min(left * 1000 + 1, 1_000)))
            guard polled > 0 else { continue }
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw HarnessError("send: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Ends the connection with a TCP reset rather than a FIN: SO_LINGER with a zero timeout, then
    /// close. Unsent and unread bytes are dropped; the other side's next write fails.
    func resetConnection() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }
}
