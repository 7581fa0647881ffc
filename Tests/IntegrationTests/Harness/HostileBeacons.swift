import FerryCrypto
import FerryWire
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Datagrams for the LAN beacon port that no honest node sends, made in the test process, and a
/// sender that multicasts them from one host of a lab (a small python3 program run there by pid).
enum HostileBeacons {
    /// The group and port every node beacons to (Sources/FerryNode/Node+Beacons.swift).
    static let group = "239.255.70.77"
    static let port = 7171
    /// `UDPSocket.datagramBytesMax`: the longest datagram a node reads.
    static let datagramBytesMax = 1472

    /// A beacon from `identity`, validly signed, with its timestamp `offsetMilliseconds` from now.
    static func signed(_ identity: NodeIdentity, port: UInt16, offsetMilliseconds: Int64 = 0) throws -> [UInt8] {
        let now = Int64(Date().timeIntervalSince1970 * 1000) + offsetMilliseconds
        return try BeaconSigning.beacon(
            from: identity, listenPort: port, capabilities: .all, now: Timestamp(milliseconds: UInt64(now))
        ).encoded()
    }

    /// A fresh, well-formed beacon whose signature does not verify (its last byte flipped).
    static func badlySigned(_ identity: NodeIdentity, port: UInt16) throws -> [UInt8] {
        var bytes = try signed(identity, port: port)
        bytes[bytes.count - 1] ^= 0x01
        return bytes
    }

    /// Malformed datagrams, one of each kind: empty, one byte, one short of a beacon, beacon-sized
    /// noise, one too long, a beacon of an unknown version, one with listen port 0 (signed), and
    /// noise of the longest size a node reads.
    static func garbage(_ identity: NodeIdentity) throws -> [[UInt8]] {
        var unknownVersion = try signed(identity, port: 7999)
        unknownVersion[4] = Beacon.version &+ 1
        var zeroPort = Beacon(signingKey: identity.signingPublicKey, listenPort: 0, capabilities: .all, timestamp: now())
        zeroPort.signature = try BeaconSigning.beacon(from: identity, listenPort: 1, capabilities: .all, now: now()).signature
        return [
            [], [0x46], HostileIdentity.randomBytes(Beacon.byteCount - 1), HostileIdentity.randomBytes(Beacon.byteCount),
            try signed(identity, port: 7999) + [0], unknownVersion, zeroPort.encoded(),
            HostileIdentity.randomBytes(datagramBytesMax),
        ]
    }

    /// Datagrams longer than a node reads: one byte over, a jumbo frame's worth (fragmented on a
    /// 1500-byte link), and the largest IPv4 UDP payload.
    static func oversized() -> [[UInt8]] {
        [datagramBytesMax + 1, 9000, 65_507].map { HostileIdentity.randomBytes($0) }
    }

    static func now() -> Timestamp { HostileIdentity.now() }

    /// Multicasts `datagrams` (each `count` times, in order, back to back) from host `host` of
    /// `lab` with TTL 1, through python3; returns when all are sent.
    static func send(_ datagrams: [(count: Int, bytes: [UInt8])], from host: Int, of lab: NetnsLab, python: String) throws {
        let path = lab.directory + "/datagrams-\(UUID().uuidString.prefix(8)).hex"
        let lines = datagrams.map { "\($0.count) \($0.bytes.isEmpty ? "-" : Hex.encode($0.bytes))" }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let sender = try lab.run(host: host, executable: python, arguments: ["-c", script, group, String(port), path], label: "beacons")
        let total = datagrams.reduce(0) { $0 + $1.count }
        let ended = try sender.wait(seconds: sendSecondsMax)
        guard ended == .exited(0), sender.stdoutLines.last == "sent \(total)" else {
            throw HarnessError("python3 sender on host \(host) (\(ended)): \(sender.stdout) \(sender.stderr)")
        }
    }

    static let sendSecondsMax: TimeInterval = 20

    /// GROUP PORT FILE: each line of FILE is "COUNT HEX" ("-" for an empty datagram).
    static let script = #"""
import socket, sys
group, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
sent = 0
for line in open(path):
    count, payload = line.split()
    data = b"" if payload == "-" else bytes.fromhex(payload)
    for _ in range(int(count)):
        s.sendto(data, (group, port))
        sent += 1
print("sent", sent, flush=True)
"""#
}

extension ProcessProbe {
    /// User + system CPU time of `pid` so far, in milliseconds (/proc/PID/stat); 0 if unreadable.
    static func cpuMilliseconds(of pid: pid_t) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = text.lastIndex(of: ")") else { return 0 }
        // After "pid (comm)": state is field 3, utime and stime are fields 14 and 15.
        let fields = text[text.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return 0 }
        return (user + system) * 1000 / Int(sysconf(Int32(_SC_CLK_TCK)))
    }
}
