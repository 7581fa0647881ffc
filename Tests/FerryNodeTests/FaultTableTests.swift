@testable import FerryNode
import FerryCrypto
import FerryWire
import XCTest

/// The pure half of the fault hook (docs/CONTROL.md §Faults): the request's checks, the table of
/// faults and its bound, the hold decision, the in-order delayed writes, the handshake gate, and
/// the `--testing` setting in config files.
final class FaultTableTests: XCTestCase {
    private let b = Address(unchecked: Array(repeating: 0xbb, count: Address.byteCount))
    private let c = Address(unchecked: Array(repeating: 0xcc, count: Address.byteCount))

    private func fault(
        _ kind: String?, peer: String? = nil, loss: Double? = nil, delay: UInt64? = nil
    ) throws(FaultError) -> Fault {
        try Fault(fault: kind, peer: peer, lossPercent: loss, delayMilliseconds: delay)
    }

    private func refusal(_ kind: String?, peer: String? = nil, loss: Double? = nil, delay: UInt64? = nil) -> String? {
        do {
            _ = try fault(kind, peer: peer, loss: loss, delay: delay)
            return nil
        } catch {
            return error.description
        }
    }

    // MARK: Requests

    func testRequestsDecodeToTheirFault() throws {
        XCTAssertEqual(try fault("cut", peer: b.text), .cut(b))
        XCTAssertEqual(try fault("heal", peer: b.text.uppercased()), .heal(b), "hex in either case")
        XCTAssertEqual(try fault("clear", peer: b.text), .clear(b))
        XCTAssertEqual(try fault("clear_all"), .clearAll)
        XCTAssertEqual(try fault("impair", peer: b.text, delay: 300), .impair(b, lossPercent: nil, delayMilliseconds: 300))
        XCTAssertEqual(try fault("impair", peer: b.text, loss: 100, delay: 60_000), .impair(b, lossPercent: 100, delayMilliseconds: 60_000))
        XCTAssertEqual(try fault("impair", peer: b.text, loss: 0), .impair(b, lossPercent: 0, delayMilliseconds: nil))
    }

    func testMalformedRequestsNameWhatIsWrong() {
        let cases: [(String?, String?, Double?, UInt64?, String)] = [
            (nil, b.text, nil, nil, "needs 'fault'"),
            ("explode", b.text, nil, nil, "unknown fault 'explode'; use one of cut, heal, impair, clear, clear_all"),
            ("cut", nil, nil, nil, "'cut' needs 'peer'"),
            ("cut", "bob", nil, nil, "'peer' must be the full 32-character hex address"),
            ("cut", String(b.text.dropLast()), nil, nil, "'peer' must be"),
            ("cut", b.text + "0", nil, nil, "'peer' must be"),
            ("cut", "zz" + b.text.dropFirst(2), nil, nil, "'peer' must be"),
            ("clear_all", b.text, nil, nil, "takes no 'peer'"),
            ("impair", b.text, nil, nil, "'impair' needs 'loss_percent'"),
            ("impair", b.text, 150, nil, "'loss_percent' must be from 0 to 100, not 150"),
            ("impair", b.text, -1, nil, "'loss_percent' must be from 0 to 100"),
            ("impair", b.text, .nan, nil, "'loss_percent' must be from 0 to 100"),
            ("impair", b.text, nil, 60_001, "'delay_ms' must be from 0 to 60000"),
            ("impair", b.text, nil, .max, "'delay_ms' must be from 0 to 60000"),
            ("cut", b.text, 10, nil, "only 'impair' takes 'loss_percent' and 'delay_ms'"),
            ("clear_all", nil, nil, 5, "only 'impair' takes"),
        ]
        for (kind, peer, loss, delay, expected) in cases {
            let error = refusal(kind, peer: peer, loss: loss, delay: delay)
            XCTAssertNotNil(error, "\(kind ?? "nil") \(peer ?? "nil") is refused")
            XCTAssertTrue(error?.contains(expected) == true, "\(error ?? "accepted") should say: \(expected)")
        }
        XCTAssertEqual(refusal("cut", peer: "\u{1b}[2J"), "'peer' must be the full 32-character hex address of a node or coordinator, as ferry status shows it, not '\\x1b[2J'", "control characters are escaped")
    }

    // MARK: The table

    func testCutHealImpairAndClearKeepTheirOwnParts() throws {
        var table = FaultTable()
        try table.apply(.cut(b))
        try table.apply(.impair(b, lossPercent: 20, delayMilliseconds: 200))
        XCTAssertEqual(table.peers[b], PeerFaults(cut: true, lossPercent: 20, delayMilliseconds: 200))
        try table.apply(.impair(b, lossPercent: nil, delayMilliseconds: 50))
        XCTAssertEqual(table.peers[b], PeerFaults(cut: true, lossPercent: 20, delayMilliseconds: 50), "a field not given stays")
        try table.apply(.clear(b))
        XCTAssertEqual(table.peers[b], PeerFaults(cut: true), "clear leaves the cut")
        XCTAssertTrue(table.isCut(b))
        try table.apply(.impair(b, lossPercent: 5, delayMilliseconds: nil))
        try table.apply(.heal(b))
        XCTAssertEqual(table.peers[b], PeerFaults(lossPercent: 5), "heal leaves the impairment")
        XCTAssertFalse(table.isCut(b))
        try table.apply(.clear(b))
        XCTAssertTrue(table.isEmpty, "a peer with nothing left is removed")
        try table.apply(.heal(c))
        try table.apply(.clear(c))
        try table.apply(.impair(c, lossPercent: 0, delayMilliseconds: 0))
        XCTAssertTrue(table.isEmpty, "heal, clear and a zero impairment never add a peer")
        try table.apply(.cut(b))
        try table.apply(.impair(c, lossPercent: nil, delayMilliseconds: 10))
        XCTAssertEqual(table.summaries.map(\.peer), [b, c])
        try table.apply(.clearAll)
        XCTAssertTrue(table.isEmpty)
    }

    func testTableHoldsAtMostPeersMaxAndSaysSo() throws {
        var table = FaultTable()
        for index in 0..<FaultTable.peersMax {
            try table.apply(.cut(Self.address(index)))
        }
        XCTAssertEqual(table.peers.count, FaultTable.peersMax)
        let extra = Self.address(FaultTable.peersMax)
        XCTAssertThrowsError(try table.apply(.cut(extra))) { error in
            XCTAssertTrue("\(error)".contains("faults for 1024 peers, the most it keeps"), "\(error)")
        }
        XCTAssertThrowsError(try table.apply(.impair(extra, lossPercent: 1, delayMilliseconds: nil)))
        XCTAssertEqual(table.peers.count, FaultTable.peersMax, "a refused request changes nothing")
        try table.apply(.impair(Self.address(0), lossPercent: 1, delayMilliseconds: nil))
        try table.apply(.heal(extra))
        XCTAssertEqual(table.peers.count, FaultTable.peersMax, "peers already held can still change")
        try table.apply(.heal(Self.address(1)))
        try table.apply(.cut(extra))
        XCTAssertTrue(table.isCut(extra), "a heal makes room")
    }

    func testCutEndpointsAreRememberedOnlyWhileCutAndBounded() throws {
        var table = FaultTable()
        table.noteEndpoint("127.0.0.1:1", of: b)
        XCTAssertNil(table.cutPeer(at: "127.0.0.1:1"), "not cut: nothing remembered")
        try table.apply(.cut(b))
        for port in 0..<100 { table.noteEndpoint("127.0.0.1:\(port)", of: b) }
        XCTAssertEqual(table.cutPeer(at: "127.0.0.1:0"), b)
        XCTAssertNil(table.cutPeer(at: "127.0.0.1:\(FaultTable.endpointsPerPeerMax)"), "at most \(FaultTable.endpointsPerPeerMax)")
        try table.apply(.heal(b))
        XCTAssertNil(table.cutPeer(at: "127.0.0.1:0"), "the heal forgets them")
    }

    func testHoldIsTheDelayPlusARetransmissionTimeoutWhenTheDrawFallsUnderTheLoss() throws {
        var table = FaultTable()
        XCTAssertNil(table.holdMilliseconds(for: b, draw: 0))
        try table.apply(.cut(b))
        XCTAssertNil(table.holdMilliseconds(for: b, draw: 0), "a cut alone holds nothing")
        try table.apply(.impair(b, lossPercent: 50, delayMilliseconds: 300))
        XCTAssertEqual(table.holdMilliseconds(for: b, draw: 0.9), 300)
        XCTAssertEqual(table.holdMilliseconds(for: b, draw: 0.5), 300, "50 % loses draws under 0.5")
        XCTAssertEqual(table.holdMilliseconds(for: b, draw: 0.49), 300 + 600, "twice the delay when over 200 ms")
        try table.apply(.impair(b, lossPercent: 100, delayMilliseconds: 20))
        XCTAssertEqual(table.holdMilliseconds(for: b, draw: 0.999), 20 + 200, "at least 200 ms")
        try table.apply(.impair(b, lossPercent: 0, delayMilliseconds: 0))
        XCTAssertNil(table.holdMilliseconds(for: b, draw: 0))
    }

    // MARK: Delayed writes

    func testDelayedWritesKeepOrderAndALostWriteHoldsWhatFollows() {
        var queue = DelayedWrites()
        XCTAssertNil(queue.nextDue)
        XCTAssertEqual(queue.push([1], now: 1_000, holdMilliseconds: 300), 1_300)
        XCTAssertEqual(queue.push([2, 2], now: 1_010, holdMilliseconds: 900), 1_910, "held back: lost")
        XCTAssertEqual(queue.push([3], now: 1_020, holdMilliseconds: 300), 1_910, "never before the write ahead")
        XCTAssertEqual(queue.byteCount, 4)
        XCTAssertEqual(queue.popDue(now: 1_299), [])
        XCTAssertEqual(queue.popDue(now: 1_300), [[1]])
        XCTAssertEqual(queue.nextDue, 1_910)
        XCTAssertEqual(queue.popDue(now: 5_000), [[2, 2], [3]])
        XCTAssertTrue(queue.isEmpty)
        XCTAssertEqual(queue.byteCount, 0)
        XCTAssertEqual(queue.push([4], now: 6_000, holdMilliseconds: 0), 6_000, "an emptied queue does not hold new writes")
    }

    func testDelayedWritesStayInOrderOverManyPops() {
        var queue = DelayedWrites()
        var released: [UInt8] = []
        for step in 0..<1_000 {
            queue.push([UInt8(step % 256)], now: UInt64(step), holdMilliseconds: UInt64(step % 7 == 0 ? 50 : 5))
            released += queue.popDue(now: UInt64(step)).flatMap { $0 }
        }
        released += queue.popDue(now: .max).flatMap { $0 }
        XCTAssertEqual(released, (0..<1_000).map { UInt8($0 % 256) })
        XCTAssertEqual(queue.byteCount, 0)
    }

    // MARK: The handshake gate

    func testGateRefusesACutPeerBeforeAnyDataAndThenStaysSilent() throws {
        let key = Array(repeating: UInt8(7), count: IdentityRecord.signingKeyByteCount)
        let peer = Digests.address(signingKey: key)
        let inner = FakeEngine(peerSigningKey: key)
        var asked: [Address] = []
        let gate = FaultGateEngine(inner) { asked.append($0); return false }
        XCTAssertEqual(try gate.receive(ciphertext: [1]), [], "still handshaking: passes through")
        XCTAssertEqual(gate.takeOutput(), [9])
        inner.handshakeDone = true
        inner.plaintext = [42]
        XCTAssertThrowsError(try gate.receive(ciphertext: [2])) { error in
            XCTAssertTrue("\(error)".contains("\(peer) is cut by a testing fault"), "\(error)")
        }
        XCTAssertEqual(asked, [peer])
        XCTAssertEqual(gate.refused, peer)
        XCTAssertFalse(gate.isHandshakeComplete, "no close frame on a refused link")
        XCTAssertEqual(gate.takeOutput(), [], "not even the Finished leaves")
        gate.shutdown()
        XCTAssertFalse(inner.didShutdown)
        XCTAssertThrowsError(try gate.receive(ciphertext: [3]))
    }

    func testGateAsksOnceAndThenPassesEverythingThrough() throws {
        let inner = FakeEngine(peerSigningKey: Array(repeating: 1, count: IdentityRecord.signingKeyByteCount))
        var asked = 0
        let gate = FaultGateEngine(inner) { _ in asked += 1; return true }
        inner.handshakeDone = true
        inner.plaintext = [5]
        XCTAssertEqual(try gate.receive(ciphertext: [1]), [5])
        XCTAssertEqual(try gate.receive(ciphertext: [1]), [5])
        XCTAssertEqual(asked, 1)
        XCTAssertTrue(gate.isHandshakeComplete)
        gate.shutdown()
        XCTAssertTrue(inner.didShutdown)
    }

    // MARK: The setting

    func testTestingIsOffByDefaultAndSetByTheFileOrTheFlag() throws {
        let defaults = NodeSettings(role: .node)
        XCTAssertFalse(defaults.node.testing)
        XCTAssertTrue(try ConfigFile.decode("testing: true\n", path: "x.yaml", over: defaults).node.testing)
        XCTAssertFalse(try ConfigFile.decode("testing: no\n", path: "x.yaml", over: defaults).node.testing)
        XCTAssertThrowsError(try ConfigFile.decode("testing: maybe\n", path: "x.yaml", over: defaults)) { error in
            XCTAssertTrue("\(error)".contains("'testing' must be true or false"), "\(error)")
        }
        var settings = try ConfigFile.decode("testing: true\n", path: "x.yaml", over: defaults)
        settings.apply(CommandLineSettings())
        XCTAssertTrue(settings.node.testing, "no flag: the file's value stays")
        var flagged = defaults
        flagged.apply(CommandLineSettings(testing: true))
        XCTAssertTrue(flagged.node.testing)
    }

    private static func address(_ index: Int) -> Address {
        var bytes = Array(repeating: UInt8(0), count: Address.byteCount)
        bytes[0] = UInt8(index >> 8)
        bytes[1] = UInt8(index & 0xff)
        return Address(unchecked: bytes)
    }
}

/// A TLS engine whose handshake completes when the test says, naming a fixed key.
private final class FakeEngine: TLSEngine {
    var handshakeDone = false
    var plaintext: [UInt8] = []
    var didShutdown = false
    let key: [UInt8]

    init(peerSigningKey: [UInt8]) { key = peerSigningKey }

    func receive(ciphertext: [UInt8]) throws -> [UInt8] { handshakeDone ? plaintext : [] }
    func send(plaintext: [UInt8]) throws {}
    func takeOutput() -> [UInt8] { [9] }
    var isHandshakeComplete: Bool { handshakeDone }
    var peerSigningKey: [UInt8]? { handshakeDone ? key : nil }
    func shutdown() { didShutdown = true }
}
