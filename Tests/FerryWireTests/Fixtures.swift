import XCTest
import FerryWire

/// Fixed values the golden vectors (and the worked examples of docs/PROTOCOL.md) are built from.
///
/// Every byte is chosen to be recognisable in a hex dump: the message id counts 0x00…0x0f, the
/// address 0x10…0x1f, the ack hash 0x20…0x3f, and so on.
enum Fixture {
    static func run(_ range: ClosedRange<UInt8>) -> [UInt8] { Array(range) }

    static let id = try! MessageID(bytes: run(0x00...0x0f))
    static let address = try! Address(bytes: run(0x10...0x1f))
    /// 2023-11-14T22:13:20Z.
    static let created = Timestamp(milliseconds: 1_700_000_000_000)
    /// `created` plus the default lifetime (7 days).
    static let expires = created.adding(milliseconds: WireLimits.messageLifetimeDefaultMilliseconds)
    static let ackHash = run(0x20...0x3f)
    static let sealed = run(0xa0...0xa4)
    static let ackSecret = run(0xc0...0xdf)

    static let envelope = Envelope(
        flags: 0, id: id, destination: address, created: created, expires: expires, ackHash: ackHash,
        hopsLeft: 8, copies: 4, sealed: sealed)

    static let record = IdentityRecord(
        signingKey: run(0x40...0x5f), kemKey: run(0x60...0x63), created: created, expires: expires,
        signature: run(0x80...0xbf))

    static let content = SealedContent(
        contentType: .text, ackSecret: ackSecret, hopLimit: 8, senderRecord: [0xe0, 0xe1, 0xe2],
        body: Array("hi".utf8), signature: Array(repeating: 0x55, count: 64))

    static let receipt = Receipt(messageID: id, openedAt: Timestamp(milliseconds: 1_700_000_060_000))

    static let hello = Hello(
        version: 2, record: [0xe0, 0xe1, 0xe2], listenPort: 7411, flags: Hello.flagCoordinator,
        capabilities: [.relay, .sync])

    /// A proof as a relay passes it back: the destination got the message over 3 links of the mesh.
    static let proof = DeliveryProof(id: id, ackSecret: ackSecret, hops: 3, path: .mesh)

    /// Two sync ids for a `want` (the signing-key filler cut in two).
    static let syncIDs = [run(0x40...0x4f), run(0x50...0x5f)]

    /// Stands in for a reconciliation message, which the frame layer carries without reading.
    static let syncMessage: [UInt8] = [0xf0, 0xf1, 0xf2]
}

/// Hex text to bytes, for golden literals (spaces allowed for readability).
func hex(_ text: String) -> [UInt8] {
    let compact = text.filter { !$0.isWhitespace }
    guard let bytes = Hex.decode(compact) else { fatalError("bad hex literal in test: \(text)") }
    return bytes
}

/// A small deterministic PRNG (xorshift64*), so fuzz failures can be replayed from the printed seed.
struct XorShift: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}

/// Asserts that `body` throws a `WireError` (typed throws guarantee the type; this pins that it throws).
func XCTAssertWireError<T>(
    _ body: @autoclosure () throws(WireError) -> T, _ expected: WireError? = nil, _ message: String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    do {
        let value = try body()
        XCTFail("expected a WireError, decoded \(value) \(message)", file: file, line: line)
    } catch {
        if let expected { XCTAssertEqual(error, expected, message, file: file, line: line) }
    }
}

extension WireError {
    /// The case name only, for assertions that do not care about the field text.
    var caseName: String {
        switch self {
        case .truncated: return "truncated"
        case .tooLong: return "tooLong"
        case .invalid: return "invalid"
        case .trailingBytes: return "trailingBytes"
        case .unsupportedVersion: return "unsupportedVersion"
        case .unknownType: return "unknownType"
        }
    }
}
