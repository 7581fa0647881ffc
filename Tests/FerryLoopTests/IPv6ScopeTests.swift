import FerryLoop
import XCTest

/// IPv6 scopes (`fe80::1%eth0`): parsed from a name or an index, written back as the name, refused
/// clearly when they name no interface; and the sockets that take them.
final class IPv6ScopeTests: XCTestCase {
    /// The loopback interface: every Linux network namespace has one, so scopes can name it.
    private func loopback() throws -> NetworkInterface {
        try XCTUnwrap(NetworkInterface.all().first(where: \.isLoopback), "no loopback interface listed")
    }

    func testAScopeByNameOrIndexIsWrittenBackAsTheName() throws {
        let lo = try loopback()
        XCTAssertEqual(try IPLiteral.canonical("fe80::1%\(lo.name)"), "fe80::1%\(lo.name)")
        XCTAssertEqual(try IPLiteral.canonical("FE80:0:0::0001%\(lo.index)"), "fe80::1%\(lo.name)", "index → name, compressed, lowercase")
        XCTAssertEqual(try IPLiteral.canonical("fe80::1"), "fe80::1", "no scope given, none written")
        XCTAssertEqual(try IPLiteral.canonical("::1"), "::1")
        XCTAssertEqual(try IPLiteral.canonical("0:0::0"), "::")
        XCTAssertEqual(try IPLiteral.canonical("198.18.0.1"), "198.18.0.1")
    }

    func testABadScopeIsRefusedNamingWhatWasParsed() throws {
        let cases: [(String, Int32)] = [
            ("fe80::1%", LoopError.Code.invalidArgument),
            ("fe80::1%0", LoopError.Code.invalidArgument),
            ("fe80::1%nosuchif9", LoopError.Code.noSuchDevice),
            ("fe80::1%4000000000", LoopError.Code.noSuchDevice),
            ("fe80::1%99999999999", LoopError.Code.invalidArgument),
            ("fe80::1%an-interface-name-too-long", LoopError.Code.noSuchDevice),
            ("%lo", LoopError.Code.invalidArgument),
            ("fe80::zz%lo", LoopError.Code.invalidArgument),
            ("198.18.0.1%lo", LoopError.Code.invalidArgument),
            ("not-an-address", LoopError.Code.invalidArgument),
        ]
        for (text, code) in cases {
            XCTAssertThrowsError(try IPLiteral.canonical(text), text) { error in
                XCTAssertEqual(error as? LoopError, LoopError(code: code, operation: "parse \(SocketText.bracketed(text)):0"), text)
            }
        }
    }

    func testTheInterfaceListHasTheLoopbackWithItsAddresses() throws {
        let lo = try loopback()
        XCTAssertTrue(lo.isUp)
        XCTAssertGreaterThan(lo.index, 0)
        XCTAssertTrue(lo.addresses.contains("127.0.0.1"), "\(lo.addresses)")
        let all = try NetworkInterface.all()
        XCTAssertEqual(Set(all.map(\.name)).count, all.count, "one entry per interface")
        for interface in all {
            for address in interface.addresses where address.lowercased().hasPrefix("fe80:") {
                XCTAssertTrue(address.hasSuffix("%\(interface.name)"), "a link-local address carries its scope: \(address)")
            }
        }
    }

    /// A dial to a scoped address takes the scope (ignored by the kernel off link-local, so the
    /// IPv6 loopback can stand in for a link-local peer here; the namespace tests dial fe80 for real).
    func testAConnectToAScopedAddressIsAccepted() throws {
        let lo = try loopback()
        let loop = try Loop()
        let listener = try TCPListener(loop: loop)
        do {
            try listener.bind(host: "::1", port: 0)
        } catch let error as LoopError {
            listener.close()
            finish(loop)
            throw XCTSkip("no IPv6 loopback here: \(error)")
        }
        var server: TCPStream?
        try listener.listen { server = $0 }
        var result: Result<TCPStream, LoopError>?
        TCPStream.connect(loop: loop, host: "::1%\(lo.name)", port: try XCTUnwrap(listener.localPort)) { result = $0 }
        spin(loop) { result != nil && server != nil }
        let client = try XCTUnwrap(try result?.get())
        XCTAssertEqual(client.peerEndpoint, "[::1]:\(try XCTUnwrap(listener.localPort))", "no scope on a loopback address")

        var refused: LoopError?
        TCPStream.connect(loop: loop, host: "fe80::1%nosuchif9", port: 7000) {
            if case .failure(let error) = $0 { refused = error }
        }
        spin(loop) { refused != nil }
        XCTAssertEqual(refused, LoopError(code: LoopError.Code.noSuchDevice, operation: "connect [fe80::1%nosuchif9]:7000"))
        client.close()
        server?.close()
        listener.close()
        finish(loop)
    }

    func testAnIPv6OnlySocketSharesItsPortWithAnIPv4One() throws {
        let loop = try Loop()
        let v6 = try UDPSocket(loop: loop)
        let v4 = try UDPSocket(loop: loop)
        let dual = try UDPSocket(loop: loop)
        defer {
            v6.close()
            v4.close()
            dual.close()
            finish(loop)
        }
        do {
            try v6.bind(host: "::", port: 0, ipv6Only: true)
        } catch let error as LoopError {
            throw XCTSkip("no IPv6 here: \(error)")
        }
        let port = try XCTUnwrap(v6.localPort)
        XCTAssertNoThrow(try v4.bind(host: "0.0.0.0", port: port), "IPv6 only leaves the IPv4 port free")
        XCTAssertThrowsError(try dual.bind(host: "::", port: port), "a dual-stack socket needs both") { error in
            XCTAssertEqual((error as? LoopError)?.code, LoopError.Code.addressInUse)
        }
    }
}

/// How FerryLoop writes an endpoint in errors: IPv6 (anything with ':') in brackets.
enum SocketText {
    static func bracketed(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
}
