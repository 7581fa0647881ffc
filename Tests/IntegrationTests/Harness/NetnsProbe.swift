import Foundation
import XCTest

/// A tiny python3 program the lab's self-tests run inside namespaces: a TCP greeter and its
/// client, and IPv4/IPv6 multicast senders and receivers. Every wait in it has a timeout, and
/// every receiver prints `ready` once it listens or has joined, so tests wait for that line
/// instead of sleeping.
enum NetnsProbe {
    /// Bounds the script's own waits (accept, connect, receive).
    static let socketSecondsMax = 10

    /// The system python3; the test skips with a clear message where there is none.
    static func python3() throws -> String {
        guard let path = NetnsTool.python3Path else { throw XCTSkip("the netns self-tests run a small python3 helper; no python3 found") }
        return path
    }

    /// Arguments for `python3`: `-c SCRIPT mode timeout args…`.
    static func arguments(_ mode: String, _ rest: [String], timeoutSeconds: Int = socketSecondsMax) -> [String] {
        ["-c", script, mode, String(timeoutSeconds)] + rest
    }

    static let script = #"""
import socket, struct, sys

mode, timeout, args = sys.argv[1], float(sys.argv[2]), sys.argv[3:]

def say(*words):
    print(*words, flush=True)

if mode == "serve":                      # ADDR PORT COUNT: greet COUNT clients, then exit
    addr, port, count = args[0], int(args[1]), int(args[2])
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(16); s.settimeout(timeout)
    say("ready")
    for _ in range(count):
        c, peer = s.accept()
        c.sendall(("hello from %s to %s\n" % (addr, peer[0])).encode()); c.close()
elif mode == "connect":                  # ADDR:PORT...: one greeting from each
    failed = False
    for target in args:
        addr, port = target.rsplit(":", 1)
        try:
            c = socket.create_connection((addr, int(port)), timeout=timeout)
            c.settimeout(timeout)
            say("ok", target, c.makefile().readline().strip())
        except OSError as error:
            failed = True; say("fail", target, error)
    sys.exit(1 if failed else 0)
elif mode == "mrecv4":                   # GROUP PORT: first datagram to the group
    group, port = args[0], int(args[1])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((group, port))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(group) + socket.inet_aton("0.0.0.0"))
    s.settimeout(timeout)
    say("ready")
    data, peer = s.recvfrom(2048)
    say("got", peer[0], data.decode())
elif mode == "msend4":                   # GROUP PORT PAYLOAD
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    s.sendto(args[2].encode(), (args[0], int(args[1])))
    say("sent")
elif mode == "mrecv6":                   # GROUP PORT IFNAME: first datagram to the group
    group, port, ifindex = args[0], int(args[1]), socket.if_nametoindex(args[2])
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", port))
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, group) + struct.pack("@I", ifindex))
    s.settimeout(timeout)
    say("ready")
    data, peer = s.recvfrom(2048)
    say("got", peer[0].split("%")[0], data.decode())
elif mode == "msend6":                   # GROUP PORT IFNAME PAYLOAD
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
    s.sendto(args[3].encode(), (args[0], int(args[1]), 0, socket.if_nametoindex(args[2])))
    say("sent")
else:
    sys.exit("unknown mode " + mode)
"""#
}
