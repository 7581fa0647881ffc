import XCTest
import FerryWire

/// Sealed content is zero-padded to a bucket so that relays do not learn a message's length
/// (docs/PROTOCOL.md §Padding): encoding picks the smallest bucket, decoding accepts only a bucket's
/// length and only zeros after the signature.
final class PaddingTests: XCTestCase {
    typealias Golden = GoldenVectorTests

    /// Fixed fields plus the fixture's 3-byte record: a body of `bucket − fieldsBase` bytes fills a bucket.
    static let fieldsBase = SealedContent.fixedFieldsByteCount + 3

    func content(bodyByteCount: Int, recordByteCount: Int = 3) -> SealedContent {
        var content = Fixture.content
        content.senderRecord = Array(repeating: 0xe0, count: recordByteCount)
        content.body = Array(repeating: 0x61, count: bodyByteCount)
        return content
    }

    // MARK: - Encoding picks the smallest bucket

    func testPaddedByteCountIsTheSmallestBucketThatHolds() {
        let cases: [(fields: Int, padded: Int?)] = [
            (0, 4096), (110, 4096), (4096, 4096), (4097, 8192), (8192, 8192), (8193, 16_384),
            (16_385, 32_768), (32_769, 65_536), (65_536, 65_536), (65_537, 69_632), (69_632, 69_632),
            (69_633, nil),
        ]
        for (fields, padded) in cases {
            XCTAssertEqual(SealedContent.paddedByteCount(fieldsByteCount: fields), padded, "\(fields) bytes")
        }
    }

    func testContentOfVariousSizesLandsInItsBucket() throws {
        // Bodies that exactly fill each bucket, and one byte more, which must move up one bucket.
        let buckets = WireLimits.sealedContentBucketsBytes
        var cases: [(body: Int, bucket: Int)] = [(0, 4096), (1, 4096), (1000, 4096)]
        for (index, bucket) in buckets.enumerated() where bucket - Self.fieldsBase <= WireLimits.messageBodyBytesMax {
            cases.append((bucket - Self.fieldsBase, bucket))
            cases.append((bucket - Self.fieldsBase + 1, buckets[index + 1]))
        }
        cases.append((WireLimits.messageBodyBytesMax, 69_632))
        XCTAssertEqual(cases.count, 14, "every bucket boundary below the largest body is covered")
        for (body, bucket) in cases {
            let content = content(bodyByteCount: body)
            let bytes = content.encoded()
            XCTAssertEqual(bytes.count, bucket, "body of \(body) bytes")
            XCTAssertEqual(try SealedContent.decode(bytes), content, "body of \(body) bytes")
        }
    }

    func testLargestRecordAndBodyFitTheLastBucket() throws {
        let content = content(
            bodyByteCount: WireLimits.messageBodyBytesMax, recordByteCount: WireLimits.identityRecordBytesMax)
        let bytes = content.encoded()
        XCTAssertEqual(bytes.count, 69_632)
        XCTAssertEqual(Array(bytes.prefix(67_689)), content.unsignedBytes + content.signature)
        XCTAssertTrue(bytes[67_689...].allSatisfy { $0 == 0 })
        XCTAssertEqual(try SealedContent.decode(bytes), content)
    }

    func testShortMessagesShareOneSize() {
        XCTAssertEqual(content(bodyByteCount: 1).encoded().count, content(bodyByteCount: 1000).encoded().count)
    }

    func testPaddingIsZerosAfterTheSignature() {
        let content = content(bodyByteCount: 5)
        let bytes = content.encoded()
        let fieldsCount = Self.fieldsBase + 5
        XCTAssertEqual(Array(bytes.prefix(fieldsCount)), content.unsignedBytes + content.signature)
        XCTAssertEqual(Array(bytes[fieldsCount...]), Array(repeating: 0, count: 4096 - fieldsCount))
    }

    // MARK: - Decoding refuses anything else

    func testNonZeroPaddingIsRefused() {
        let golden = hex(Golden.sealedContentHex)
        for offset in [110, 111, 2048, 4095] {
            for value: UInt8 in [0x01, 0x80, 0xff] {
                var bytes = golden
                bytes[offset] = value
                XCTAssertWireError(
                    try SealedContent.decode(bytes),
                    .invalid(field: "padding", reason: "non-zero byte at offset \(offset)"), "offset \(offset)")
            }
        }
    }

    func testWrongTotalLengthIsRefused() {
        let golden = hex(Golden.sealedContentHex)
        for count in [110, 111, 2048, 4095, 4097, 6000, 8191, 8193, 65_535, 69_631, 69_633, 131_072] {
            let bytes = count <= golden.count
                ? Array(golden.prefix(count)) : golden + Array(repeating: 0, count: count - golden.count)
            XCTAssertWireError(
                try SealedContent.decode(bytes),
                .invalid(field: "sealed content", reason: "\(count) bytes is not a padding bucket size"))
        }
    }

    func testALargerBucketThanNeededIsAccepted() throws {
        // Any bucket that holds the fields decodes: a sender may hide more than the smallest bucket does.
        let golden = hex(Golden.sealedContentHex)
        for bucket in WireLimits.sealedContentBucketsBytes where bucket >= golden.count {
            let bytes = golden + Array(repeating: 0, count: bucket - golden.count)
            XCTAssertEqual(try SealedContent.decode(bytes), Fixture.content, "bucket \(bucket)")
        }
    }

    func testVersion1ContentIsRefused() {
        // The version-1 golden vector (no padding), and the same fields padded as version 2 would be.
        let unpadded = Array(hex(Golden.sealedContentHex).prefix(110))
        var version1 = unpadded
        version1[0] = 1
        XCTAssertWireError(try SealedContent.decode(version1), .unsupportedVersion(1))
        XCTAssertWireError(try SealedContent.decode(zeroPadded(version1)), .unsupportedVersion(1))
        // And the same bytes with version 2 decode: only the version byte made the difference.
        XCTAssertNoThrow(try SealedContent.decode(zeroPadded(unpadded)))
    }
}
