import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP listening socket on 127.0.0.1 with a port the kernel picks, for a test that plays the
/// node being dialled. Not `Sendable`: the test that opens it closes it.
final class RawListener {
    let fd: Int32
    let port: UInt16
    private var closed = false

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var address = RawSocket.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, named == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw HarnessError("listen on 127.0.0.1:0: \(reason)")
        }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close() }

    /// The next incoming connection, within `seconds`.
    func accept(seconds: TimeInterval) throws -> RawSocket {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(seconds * 1000)) > 0 else {
            throw HarnessError("nobody connected to 127.0.0.1:\(port) within \(seconds) s")
        }
        let connection = Glibc.accept(fd, nil, nil)
        guard connection >= 0 else { throw HarnessError("accept: \(String(cString: strerror(errno)))") }
        // accept4 sits behind _GNU_SOURCE; the test runs one thread, so set it right after.
        _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
        return RawSocket(descriptor: connection)
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }
}
