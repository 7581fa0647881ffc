import XCTest
import FerryWire

/// The stream side of link framing: frames arrive cut anywhere by TCP and TLS records.
final class FrameDecoderTests: XCTestCase {
    static let frames = GoldenVectorTests.frames.map(\.frame)
    static let stream = GoldenVectorTests.frames.flatMap { hex($0.hex) }

    func testSeveralFramesInOnePush() throws {
        var decoder = FrameDecoder()
        XCTAssertEqual(try decoder.push(Self.stream), Self.frames)
        XCTAssertEqual(decoder.bufferedByteCount, 0)
    }

    func testStreamSplitAtEveryByteBoundary() throws {
        let stream = Self.stream
        for split in 0...stream.count {
            var decoder = FrameDecoder()
            let first = try decoder.push(Array(stream[..<split]))
            let second = try decoder.push(Array(stream[split...]))
            XCTAssertEqual(first + second, Self.frames, "split at \(split)")
            XCTAssertEqual(decoder.bufferedByteCount, 0)
        }
    }

    func testStreamOneByteAtATime() throws {
        var decoder = FrameDecoder()
        var frames: [Frame] = []
        for byte in Self.stream { frames += try decoder.push([byte]) }
        XCTAssertEqual(frames, Self.frames)
    }

    func testStreamInRandomChunks() throws {
        var random = XorShift(seed: 0xF3_22)
        let stream = Array((0..<20).map { _ in Self.stream }.joined())
        for round in 0..<50 {
            var decoder = FrameDecoder()
            var frames: [Frame] = []
            var offset = 0
            while offset < stream.count {
                let size = min(Int(random.next() % 200), stream.count - offset)
                frames += try decoder.push(Array(stream[offset..<offset + size]))
                offset += size
            }
            XCTAssertEqual(frames.count, 20 * Self.frames.count, "round \(round)")
            XCTAssertEqual(frames, Array((0..<20).map { _ in Self.frames }.joined()))
        }
    }

    func testLongStreamKeepsBufferBounded() throws {
        // 30 000 pings (390 kB) in chunks that always end mid-frame, to exercise compaction.
        let ping = Frame.ping(nonce: 42).encoded()
        let stream = Array(repeating: ping, count: 30_000).joined()
        var decoder = FrameDecoder()
        var count = 0
        var chunk: [UInt8] = []
        for byte in stream {
            chunk.append(byte)
            if chunk.count == 1000 {
                count += try decoder.push(chunk).count
                XCTAssertLessThan(decoder.bufferedByteCount, ping.count)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        count += try decoder.push(chunk).count
        XCTAssertEqual(count, 30_000)
        XCTAssertEqual(decoder.bufferedByteCount, 0)
    }

    func testZeroLengthFrameIsAnError() {
        var decoder = FrameDecoder()
        XCTAssertWireError(try decoder.push([0, 0, 0, 0]), .invalid(field: "frame length", reason: "zero"))
    }

    func testZeroLengthFrameAfterAGoodFrameIsAnError() {
        var decoder = FrameDecoder()
        XCTAssertWireError(try decoder.push(Frame.ping(nonce: 1).encoded() + [0, 0, 0, 0]))
    }

    func testLengthOverLimitIsRejectedFromTheLengthAlone() {
        for length in [UInt32(WireLimits.frameBytesMax + 1), 0x0100_0000, 0xffff_ffff] {
            var decoder = FrameDecoder()
            XCTAssertWireError(
                try decoder.push(bigEndian(length)),
                .tooLong(field: "frame", length: Int(length), max: WireLimits.frameBytesMax))
        }
    }

    func testLengthOverLimitSplitAcrossPushes() throws {
        var decoder = FrameDecoder()
        XCTAssertEqual(try decoder.push([0xff, 0xff]), [])
        XCTAssertWireError(try decoder.push([0xff, 0xff]))
    }

    func testFrameAtLimitIsAccepted() throws {
        // An envelope frame is opaque at this layer, so it can fill a frame exactly.
        let payload = Array(repeating: UInt8(0x33), count: WireLimits.frameBytesMax - 1)
        let bytes = Frame.envelope(payload).encoded()
        XCTAssertEqual(Array(bytes.prefix(4)), bigEndian(UInt32(WireLimits.frameBytesMax)))
        var decoder = FrameDecoder()
        XCTAssertEqual(try decoder.push(bytes), [.envelope(payload)])
    }

    func testBadFrameInTheMiddleStopsTheStream() {
        // A known type must still decode exactly: a proof with path 4 is an error, not skipped.
        let bad = hex("00000033 03") + Fixture.id.bytes + Fixture.ackSecret + [0x01, 0x04]
        var decoder = FrameDecoder()
        XCTAssertWireError(
            try decoder.push(Frame.ping(nonce: 1).encoded() + bad + Frame.pong(nonce: 1).encoded()),
            .invalid(field: "proof path", reason: "unknown code 4"))
    }

    // MARK: - Unknown types (docs/PROTOCOL.md §Link frames: skipped, for forward compatibility)

    /// A frame of a type a later version might add: type 0x7b and 300 bytes this build cannot read.
    static let futureFrame = hex("0000012d 7b") + Array(repeating: 0xee, count: 300)

    func testUnknownFrameInTheMiddleIsSkippedAndTheNextFrameDecodes() throws {
        let stream = Frame.ping(nonce: 1).encoded() + Self.futureFrame + Frame.pong(nonce: 1).encoded()
        var decoder = FrameDecoder()
        XCTAssertEqual(try decoder.push(stream), [.ping(nonce: 1), .unknown(type: 0x7b), .pong(nonce: 1)])
        XCTAssertEqual(decoder.bufferedByteCount, 0)
    }

    func testUnknownFrameSplitAtEveryByteBoundary() throws {
        let stream = Self.futureFrame + Self.stream
        for split in 0...stream.count {
            var decoder = FrameDecoder()
            let first = try decoder.push(Array(stream[..<split]))
            let second = try decoder.push(Array(stream[split...]))
            XCTAssertEqual(first + second, [.unknown(type: 0x7b)] + Self.frames, "split at \(split)")
            XCTAssertEqual(decoder.bufferedByteCount, 0)
        }
    }

    func testUnknownFramesAtTheFrameLimitAreSkipped() throws {
        // An unknown frame's payload is not read, but its length is still bounded like any other.
        let type: UInt8 = 0xf7
        let atLimit = bigEndian(UInt32(WireLimits.frameBytesMax)) + [type]
            + Array(repeating: 0, count: WireLimits.frameBytesMax - 1)
        var decoder = FrameDecoder()
        XCTAssertEqual(try decoder.push(atLimit + Frame.ping(nonce: 7).encoded()), [.unknown(type: type), .ping(nonce: 7)])
        XCTAssertEqual(decoder.bufferedByteCount, 0)
        var overLimit = FrameDecoder()
        XCTAssertWireError(
            try overLimit.push(bigEndian(UInt32(WireLimits.frameBytesMax + 1)) + [type]),
            .tooLong(field: "frame", length: WireLimits.frameBytesMax + 1, max: WireLimits.frameBytesMax))
    }
}
