import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Many TCP connections from the test to one port on 127.0.0.1, opened without blocking and held
/// until `closeAll`. Each may send a few bytes once connected (a partial TLS ClientHello, say)
/// and then nothing. Not `Sendable`: the test that opens them closes them.
final class ConnectionFlood {
    private(set) var descriptors: [Int32] = []
    /// Connections whose connect finished without error.
    private(set) var connected = 0
    /// Connections whose connect failed.
    private(set) var failed = 0
    private var pending: Set<Int32> = []
    private let firstBytes: [UInt8]

    /// Starts `count` non-blocking connects to 127.0.0.1:`port`.
    init(count: Int, port: UInt16, firstBytes: [UInt8]) throws {
        self.firstBytes = firstBytes
        var address = RawSocket.loopback(port: port)
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else {
                closeAll()
                throw HarnessError("socket after \(descriptors.count) connections: \(String(cString: strerror(errno)))")
            }
            descriptors.append(fd)
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if result == 0 {
                finished(fd, error: 0)
            } else if errno == EINPROGRESS {
                pending.insert(fd)
            } else {
                failed += 1
            }
        }
    }

    deinit { closeAll() }

    /// Waits until every connect has finished (or `seconds` pass); returns how many are still pending.
    @discardableResult
    func awaitConnects(seconds: TimeInterval) -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        let roundsMax = Int(seconds * 1000 / Double(Self.pollSliceMilliseconds)) + 2
        for _ in 0..<roundsMax where !pending.isEmpty && Date() < deadline {
            var pollers = pending.map { pollfd(fd: $0, events: Int16(POLLOUT), revents: 0) }
            let polled = poll(&pollers, nfds_t(pollers.count), Self.pollSliceMilliseconds)
            guard polled > 0 else { continue }
            for poller in pollers where poller.revents != 0 {
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(poller.fd, SOL_SOCKET, SO_ERROR, &error, &length)
                pending.remove(poller.fd)
                finished(poller.fd, error: error)
            }
        }
        return pending.count
    }

    private func finished(_ fd: Int32, error: Int32) {
        guard error == 0 else {
            failed += 1
            return
        }
        connected += 1
        if !firstBytes.isEmpty {
            // The node may already have closed it (handshake eviction); that is its right.
            _ = firstBytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        }
    }

    func closeAll() {
        for fd in descriptors { close(fd) }
        descriptors = []
        pending = []
    }

    static let pollSliceMilliseconds: Int32 = 100
}
