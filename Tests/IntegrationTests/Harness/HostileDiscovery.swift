import FerryCrypto
import FerryWire
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Identity records for announces that a node must not learn, each from a fresh self-made identity.
enum HostileRecords {
    static let dayMilliseconds: UInt64 = 24 * 3600 * 1000

    /// Validly signed, expired yesterday.
    static func expired(_ count: Int) throws -> [[UInt8]] {
        let now = HostileIdentity.now().milliseconds
        return try (0..<count).map { _ in
            try NodeIdentity.generate().record(
                created: Timestamp(milliseconds: now - 2 * dayMilliseconds), expires: Timestamp(milliseconds: now - dayMilliseconds)
            ).encoded()
        }
    }

    /// Well-formed and current, the signature's last byte flipped.
    static func badlySigned(_ count: Int) throws -> [[UInt8]] {
        try (0..<count).map { _ in
            var bytes = try HostileIdentity.generate().record.encoded()
            bytes[bytes.count - 1] ^= 0x01
            return bytes
        }
    }

    /// Noise of assorted lengths up to the wire's bound.
    static func junk(_ count: Int) -> [[UInt8]] {
        (0..<count).map { HostileIdentity.randomBytes(1 + $0 * (WireLimits.identityRecordBytesMax - 1) / max(count - 1, 1)) }
    }

    /// A valid record with zero bytes after it, up to the wire's bound: within the frame's limit,
    /// not a record.
    static func padded(_ count: Int) throws -> [[UInt8]] {
        try (0..<count).map { _ in
            let bytes = try HostileIdentity.generate().record.encoded()
            return bytes + [UInt8](repeating: 0, count: WireLimits.identityRecordBytesMax - bytes.count)
        }
    }
}

/// `endpoints` entries a node must not dial, and floods of ones it may.
enum HostileEndpoints {
    static func entry(_ host: String, port: UInt16, address: Address? = nil) -> EndpointEntry {
        let ip = EndpointEntry.ipv4(host) ?? (host == "::" ? [UInt8](repeating: 0, count: 16) : [0xff, 0x02] + [UInt8](repeating: 0, count: 13) + [1])
        return EndpointEntry(address: address ?? randomAddress(), ip: ip, port: port)
    }

    static func randomAddress() -> Address { Address(unchecked: HostileIdentity.randomBytes(Address.byteCount)) }

    /// Unspecified, multicast (the beacon group too), broadcast, port 0, the node's own address,
    /// the sender's own address, IPv6 unspecified and multicast: none is worth a dial.
    static func junk(node: Address, nodePort: UInt16, sender: Address, port: UInt16) -> [EndpointEntry] {
        [
            entry("0.0.0.0", port: port), entry("224.1.2.3", port: port), entry("239.255.70.77", port: 7171),
            entry("255.255.255.255", port: port), entry("127.0.0.1", port: 0),
            entry("127.0.0.1", port: nodePort, address: node), entry("127.0.0.1", port: port, address: sender),
            entry("::", port: port), entry("ff02::1", port: port),
        ]
    }

    /// `count` full `endpoints` frames, numbered from `first`, each entry a distinct loopback
    /// address (127.100.0.0 and up) at `port`, under a random address.
    static func frames(_ count: Int, from first: Int, port: UInt16) -> [Frame] {
        let perFrame = WireLimits.endpointsPerFrameMax
        return (first..<first + count).map { frame in
            .endpoints((0..<perFrame).map { index in
                let k = frame * perFrame + index
                return EndpointEntry(address: randomAddress(), ip: [127, UInt8(100 + k >> 16), UInt8(k >> 8 & 0xff), UInt8(k & 0xff)], port: port)
            })
        }
    }
}

/// A TCP port on every local address that nothing listens on: bound (so no other program takes
/// it) but never listening, so a connect to any 127.x.y.z at it is refused at once. Dials a test
/// makes a node attempt go here and nowhere else.
final class ClosedPort {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = INADDR_ANY
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw HarnessError("bind 0.0.0.0:0: \(reason)")
        }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { Glibc.close(fd) }
}
