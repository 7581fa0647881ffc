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
        let bad = hex("00000009 09 0000000000000000")
        var decoder = FrameDecoder()
        XCTAssertWireError(try decoder.push(Frame.ping(nonce: 1).encoded() + bad), .unknownType(9))
    }
}
