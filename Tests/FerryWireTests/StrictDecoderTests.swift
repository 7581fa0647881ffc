import XCTest
import FerryWire

/// Decoders are strict and bounded: truncation, trailing bytes, unknown versions and types, and
/// oversized length fields are typed errors, never traps, and length fields are checked before any
/// allocation (docs/PROTOCOL.md §Limits). The one leniency is the link frame type: a type this
/// build does not know decodes as `.unknown` so the protocol can grow (§Link frames).
final class StrictDecoderTests: XCTestCase {
    typealias Golden = GoldenVectorTests

    /// Each record format whose length follows from its fields: name, golden bytes, decoder.
    /// Sealed content is padded to a bucket instead, so a cut or an extra byte is a wrong length
    /// first (see the sealed content tests below and PaddingTests).
    static var records: [(name: String, bytes: [UInt8], decode: ([UInt8]) throws(WireError) -> Void)] { [
        ("envelope", hex(Golden.envelopeHex), { bytes throws(WireError) in _ = try Envelope.decode(bytes) }),
        ("receipt", hex(Golden.receiptHex), { bytes throws(WireError) in _ = try Receipt.decode(bytes) }),
        ("identity record", hex(Golden.identityRecordHex), { bytes throws(WireError) in _ = try IdentityRecord.decode(bytes) }),
    ] }

    /// Frame payloads (type byte + payload, no length prefix) whose layout is fully parsed.
    /// Left out: the envelope and the sync message, opaque to the frame layer (any length is a frame;
    /// the sync set byte is checked below), and the unknown type, whose payload is skipped unread.
    static var parsedFramePayloads: [(name: String, payload: [UInt8])] {
        Golden.frames.filter { $0.frame.kind != .envelope && $0.frame.kind != .sync && $0.frame.kind != nil }
            .map { ($0.name, Array(hex($0.hex).dropFirst(4))) }
    }

    // MARK: - Truncation

    func testEveryProperPrefixOfARecordIsTruncated() {
        for (name, bytes, decode) in Self.records {
            for count in 0..<bytes.count {
                do {
                    try decode(Array(bytes.prefix(count)))
                    XCTFail("\(name): prefix of \(count) bytes decoded")
                } catch {
                    XCTAssertEqual(error.caseName, "truncated", "\(name) prefix \(count): \(error)")
                }
            }
        }
    }

    func testEveryProperPrefixOfAFramePayloadIsTruncated() {
        for (name, payload) in Self.parsedFramePayloads {
            for count in 0..<payload.count {
                do {
                    let frame = try Frame.decode(payload: Array(payload.prefix(count)))
                    XCTFail("\(name): prefix of \(count) bytes decoded as \(frame)")
                } catch {
                    XCTAssertEqual(error.caseName, "truncated", "\(name) prefix \(count): \(error)")
                }
            }
        }
    }

    func testEveryProperPrefixOfAFrameIsBufferedNotDecoded() throws {
        for (name, frame, text) in Golden.frames {
            let bytes = hex(text)
            for count in 0..<bytes.count {
                var decoder = FrameDecoder()
                XCTAssertEqual(try decoder.push(Array(bytes.prefix(count))), [], "\(name) prefix \(count)")
                XCTAssertEqual(decoder.bufferedByteCount, count)
                XCTAssertEqual(try decoder.push(Array(bytes.dropFirst(count))), [frame], "\(name) rest after \(count)")
                XCTAssertEqual(decoder.bufferedByteCount, 0)
            }
        }
    }

    func testEveryProperPrefixOfSealedContentIsRefused() {
        let bytes = hex(Golden.sealedContentHex)
        XCTAssertWireError(try SealedContent.decode([]), .truncated(field: "content version"))
        for count in 1..<bytes.count {
            XCTAssertWireError(
                try SealedContent.decode(Array(bytes.prefix(count))),
                .invalid(field: "sealed content", reason: "\(count) bytes is not a padding bucket size"))
        }
    }

    func testSealedContentFieldsLongerThanTheirBucketAreTruncated() {
        // A body length that runs past the end of the bucket: the length is a bucket, the fields are not.
        let upToBodyLength = Array(hex(Golden.sealedContentHex).prefix(40))
        let remainingAfterLength = 4096 - 44
        XCTAssertWireError(
            try SealedContent.decode(zeroPadded(upToBodyLength + bigEndian(UInt32(remainingAfterLength + 1)))),
            .truncated(field: "body"))
        XCTAssertWireError(
            try SealedContent.decode(zeroPadded(upToBodyLength + bigEndian(UInt32(remainingAfterLength)))),
            .truncated(field: "signature"))
    }

    func testContactCardCutShortIsAnError() {
        let card = Golden.contactCard
        for count in 0..<card.count {
            XCTAssertWireError(try ContactCard.decode(String(card.prefix(count))), nil, "card prefix \(count)")
        }
    }

    // MARK: - Trailing bytes

    func testOneTrailingByteIsRejected() {
        for (name, bytes, decode) in Self.records {
            do {
                try decode(bytes + [0x00])
                XCTFail("\(name) with a trailing byte decoded")
            } catch {
                XCTAssertEqual(error, .trailingBytes(count: 1), name)
            }
        }
        for (name, payload) in Self.parsedFramePayloads {
            XCTAssertWireError(try Frame.decode(payload: payload + [0x00]), .trailingBytes(count: 1), name)
        }
        XCTAssertWireError(
            try SealedContent.decode(hex(Golden.sealedContentHex) + [0x00]),
            .invalid(field: "sealed content", reason: "4097 bytes is not a padding bucket size"))
    }

    func testTrailingBytesInsideAFrameAreRejectedByTheStreamDecoder() {
        // A ping whose length says 10: type + 8-byte nonce + one extra byte.
        var decoder = FrameDecoder()
        XCTAssertWireError(try decoder.push(hex("0000000a 05 0102030405060708 00")), .trailingBytes(count: 1))
    }

    // MARK: - Unknown versions, types and codes

    func testUnknownVersionsAreRejected() {
        for version: UInt8 in [0, 2, 0xff] {
            var envelope = hex(Golden.envelopeHex)
            envelope[0] = version
            XCTAssertWireError(try Envelope.decode(envelope), .unsupportedVersion(version))
            var record = hex(Golden.identityRecordHex)
            record[0] = version
            XCTAssertWireError(try IdentityRecord.decode(record), .unsupportedVersion(version))
        }
        // Sealed content is at version 2; 1 (unpadded, never released) is refused like any other.
        for version: UInt8 in [0, 1, 3, 0xff] {
            var content = hex(Golden.sealedContentHex)
            content[0] = version
            XCTAssertWireError(try SealedContent.decode(content), .unsupportedVersion(version))
        }
    }

    func testUnknownContentTypeIsRejected() {
        for type: UInt8 in [0, 3, 0xff] {
            var content = hex(Golden.sealedContentHex)
            content[1] = type
            XCTAssertWireError(try SealedContent.decode(content), .unknownType(type))
        }
    }

    func testUnknownFrameTypesDecodeAsUnknownWithAnyPayload() throws {
        for type: UInt8 in [0x00, 0x0d, 0x7f, 0xff] {
            XCTAssertEqual(try Frame.decode(payload: [type]), .unknown(type: type))
            XCTAssertEqual(try Frame.decode(payload: [type] + Array(repeating: 0xff, count: 8)), .unknown(type: type))
            var decoder = FrameDecoder()
            XCTAssertEqual(
                try decoder.push([0, 0, 0, 1, type] + Frame.ping(nonce: 2).encoded()), [.unknown(type: type), .ping(nonce: 2)])
        }
        XCTAssertWireError(try Frame.decode(payload: []), .truncated(field: "frame type"))
    }

    func testUnknownRefuseReasonIsReadAsUnavailable() throws {
        // The sender keeps custody whatever the reason, so a reason added later is read as "try
        // later" rather than failing the link (docs/PROTOCOL.md §Link frames).
        for code: UInt8 in [0, 8, 0x7f, 0xff] {
            let payload = [0x04] + Fixture.id.bytes + [code]
            XCTAssertEqual(try Frame.decode(payload: payload), .refuse(id: Fixture.id, reason: .unavailable), "code \(code)")
        }
    }

    func testUnknownCloseReasonIsReadAsProtocolError() throws {
        // A close is the last word on a link: its reason is informative, so an unknown code is not
        // a reason to fail it. docs/PROTOCOL.md §Link frames says so.
        XCTAssertEqual(try Frame.decode(payload: hex("07 63 0000")), .close(reason: .protocolError, text: ""))
    }

    func testHelloWithAnotherProtocolVersionStillDecodes() throws {
        // Version negotiation is the link session's job, not the codec's.
        for version: UInt16 in [1, 3, 0xffff] {
            XCTAssertEqual(
                try Frame.decode(payload: hex("01") + bigEndian16(version) + hex("0000 0000 00 00000000")),
                .hello(Hello(version: version, record: [], listenPort: 0, flags: 0, capabilities: [])))
        }
    }

    func testHelloInTheVersion1LayoutIsTruncated() {
        // Version 1 ended after the flags byte; version 2 always has the capability bits.
        XCTAssertWireError(
            try Frame.decode(payload: hex("01 0001 0003 e0e1e2 1cf3 01")), .truncated(field: "hello capabilities"))
    }

    func testHelloCapabilityBitsThisBuildDoesNotKnowAreKept() throws {
        // A later version may add bits; they decode, and the known ones still read as set.
        let frame = try Frame.decode(payload: hex("01 0002 0000 0000 00 fffffffd"))
        guard case .hello(let hello) = frame else { return XCTFail("\(frame)") }
        XCTAssertEqual(hello.capabilities.rawValue, 0xffff_fffd)
        XCTAssertTrue(hello.capabilities.contains(.relay))
        XCTAssertFalse(hello.capabilities.contains(.sync))
    }

    func testProofWithUnknownPathIsInvalid() {
        for code: UInt8 in [0, 4, 0xff] {
            let payload = [0x03] + Fixture.id.bytes + Fixture.ackSecret + [0x01, code]
            XCTAssertWireError(
                try Frame.decode(payload: payload), .invalid(field: "proof path", reason: "unknown code \(code)"))
        }
    }

    func testProofInTheVersion1LayoutIsTruncated() {
        // Version 1 ended after the ack secret.
        XCTAssertWireError(
            try Frame.decode(payload: [0x03] + Fixture.id.bytes + Fixture.ackSecret), .truncated(field: "proof hops"))
    }

    func testSyncAndWantWithUnknownSetAreInvalid() {
        for code: UInt8 in [0, 3, 0xff] {
            let reason = WireError.invalid(field: "sync set", reason: "unknown code \(code)")
            XCTAssertWireError(try Frame.decode(payload: [0x09, code] + Fixture.syncMessage), reason)
            XCTAssertWireError(try Frame.decode(payload: [0x0a, code, 0x00, 0x00]), reason)
        }
    }

    func testSyncMessageIsTheRestOfTheFrame() throws {
        // The frame layer checks the set and carries the message unread (docs/PROTOCOL.md §Set reconciliation).
        XCTAssertWireError(try Frame.decode(payload: [0x09]), .truncated(field: "sync set"))
        XCTAssertEqual(try Frame.decode(payload: [0x09, 0x02]), .sync(set: .proofs, message: []))
        let long = Array(repeating: UInt8(0x5a), count: WireLimits.frameBytesMax - 2)
        XCTAssertEqual(try Frame.decode(payload: [0x09, 0x01] + long), .sync(set: .messages, message: long))
    }

    // MARK: - Semantic checks

    func testEnvelopeMustExpireAfterItIsCreated() {
        var bytes = hex(Golden.envelopeHex)
        bytes.replaceSubrange(42..<50, with: bytes[34..<42]) // expires = created
        XCTAssertWireError(try Envelope.decode(bytes), .invalid(field: "expires", reason: "not after created"))
    }

    func testIdentifierSizesAreEnforced() {
        XCTAssertWireError(try Address(bytes: Array(repeating: 0, count: 15)))
        XCTAssertWireError(try Address(bytes: Array(repeating: 0, count: 17)))
        XCTAssertWireError(try MessageID(bytes: []))
        XCTAssertWireError(try MessageID(bytes: Array(repeating: 0, count: 32)))
    }

    // MARK: - Oversized length fields: rejected before reading (or allocating) the field

    func testSealedBodyLengthAboveLimitIsTooLong() {
        let header = Array(hex(Golden.envelopeHex).prefix(85))
        // Nothing follows the length: had the decoder tried to read the body, it would say truncated.
        XCTAssertWireError(
            try Envelope.decode(header + [0xff, 0xff, 0xff, 0xff]),
            .tooLong(field: "sealed body", length: 0xffff_ffff, max: WireLimits.sealedBytesMax))
        let justOver = UInt32(WireLimits.sealedBytesMax + 1)
        XCTAssertWireError(
            try Envelope.decode(header + bigEndian(justOver)),
            .tooLong(field: "sealed body", length: WireLimits.sealedBytesMax + 1, max: WireLimits.sealedBytesMax))
    }

    func testSealedBodyAtLimitDecodes() throws {
        var envelope = Fixture.envelope
        envelope.sealed = Array(repeating: 0x5a, count: WireLimits.sealedBytesMax)
        XCTAssertEqual(try Envelope.decode(envelope.encoded()), envelope)
    }

    func testIdentityRecordLimits() {
        // KEM key length over its limit, with nothing after it.
        let prefix = Array(hex(Golden.identityRecordHex).prefix(33))
        XCTAssertWireError(
            try IdentityRecord.decode(prefix + [0xff, 0xff]),
            .tooLong(field: "kem key", length: 0xffff, max: IdentityRecord.kemKeyBytesMax))
        XCTAssertWireError(
            try IdentityRecord.decode(prefix + [0x06, 0x01]),
            .tooLong(field: "kem key", length: 1537, max: IdentityRecord.kemKeyBytesMax))
        // A whole record over the record limit is refused before it is parsed.
        let huge = Array(repeating: UInt8(1), count: WireLimits.identityRecordBytesMax + 1)
        XCTAssertWireError(
            try IdentityRecord.decode(huge),
            .tooLong(field: "identity record", length: 2049, max: WireLimits.identityRecordBytesMax))
    }

    func testIdentityRecordWithLargestKEMKeyDecodes() throws {
        var record = Fixture.record
        record.kemKey = Array(repeating: 7, count: IdentityRecord.kemKeyBytesMax)
        XCTAssertEqual(try IdentityRecord.decode(record.encoded()), record)
    }

    func testSealedContentLimits() {
        // Padded to the smallest bucket with zeros, which read as empty fields: had the decoder read
        // an oversized field before checking its length, it would say truncated.
        let upToRecord = Array(hex(Golden.sealedContentHex).prefix(35))
        XCTAssertWireError(
            try SealedContent.decode(zeroPadded(upToRecord + bigEndian16(2049))),
            .tooLong(field: "sender record", length: 2049, max: WireLimits.identityRecordBytesMax))
        let upToBody = upToRecord + [0x00, 0x00]
        XCTAssertWireError(
            try SealedContent.decode(zeroPadded(upToBody + bigEndian(UInt32(WireLimits.messageBodyBytesMax + 1)))),
            .tooLong(field: "body", length: 65_537, max: WireLimits.messageBodyBytesMax))
        XCTAssertWireError(
            try SealedContent.decode(zeroPadded(upToBody + [0xff, 0xff, 0xff, 0xff])),
            .tooLong(field: "body", length: 0xffff_ffff, max: WireLimits.messageBodyBytesMax))
    }

    func testSealedContentOverTheLastBucketIsRefusedBeforeParsing() {
        // One byte over the largest bucket: refused on its length alone, whatever the fields say.
        let huge = hex(Golden.sealedContentHex) + Array(repeating: 0, count: 69_632 + 1 - 4096)
        XCTAssertWireError(
            try SealedContent.decode(huge),
            .invalid(field: "sealed content", reason: "69633 bytes is not a padding bucket size"))
    }

    func testSealedContentWithLargestBodyDecodes() throws {
        var content = Fixture.content
        content.body = Array(repeating: 0x41, count: WireLimits.messageBodyBytesMax)
        XCTAssertEqual(try SealedContent.decode(content.encoded()), content)
    }

    func testHelloRecordAboveLimitIsTooLong() {
        XCTAssertWireError(
            try Frame.decode(payload: [0x01, 0x00, 0x02] + bigEndian16(2049)),
            .tooLong(field: "hello record", length: 2049, max: WireLimits.identityRecordBytesMax))
    }

    func testWantCountAboveLimitIsTooLongBeforeAnyIDIsRead() {
        // Nothing follows the count: had the decoder reserved or read the ids first, it would say
        // truncated (or allocate 0xffff × 16 bytes for a 4-byte frame).
        for count: UInt16 in [UInt16(WireLimits.wantIDsMax + 1), 0xffff] {
            XCTAssertWireError(
                try Frame.decode(payload: [0x0a, 0x01] + bigEndian16(count)),
                .tooLong(field: "want ids", length: Int(count), max: WireLimits.wantIDsMax))
        }
    }

    func testWantAtLimitDecodes() throws {
        let ids = (0..<WireLimits.wantIDsMax).map { index in
            [UInt8(index >> 8), UInt8(index & 0xff)] + Array(repeating: 0x77, count: WireLimits.syncIDByteCount - 2)
        }
        let frame = Frame.want(set: .messages, ids: ids)
        var decoder = FrameDecoder()
        XCTAssertEqual(try decoder.push(frame.encoded()), [frame])
        XCTAssertEqual(try Frame.decode(payload: [0x0a, 0x02, 0x00, 0x00]), .want(set: .proofs, ids: []))
    }

    func testWantWithTheWrongByteCountIsRejected() {
        let id = Fixture.syncIDs[0]
        // Fewer bytes than the count says: the last id is cut short, or missing.
        XCTAssertWireError(
            try Frame.decode(payload: [0x0a, 0x01, 0x00, 0x02] + id + id.dropLast()), .truncated(field: "want id"))
        XCTAssertWireError(try Frame.decode(payload: [0x0a, 0x01, 0x00, 0x02] + id), .truncated(field: "want id"))
        // More bytes than the count says: a whole extra id, or a part of one.
        XCTAssertWireError(try Frame.decode(payload: [0x0a, 0x01, 0x00, 0x01] + id + id), .trailingBytes(count: 16))
        XCTAssertWireError(try Frame.decode(payload: [0x0a, 0x01, 0x00, 0x01] + id + [0x00]), .trailingBytes(count: 1))
        XCTAssertWireError(try Frame.decode(payload: [0x0a, 0x01, 0x00, 0x00] + id), .trailingBytes(count: 16))
    }

    func testCloseTextAboveLimitIsTooLong() {
        XCTAssertWireError(
            try Frame.decode(payload: [0x07, 0x01] + bigEndian16(257)),
            .tooLong(field: "close text", length: 257, max: WireLimits.closeReasonBytesMax))
    }

    func testCloseTextIsCutToLimitWhenEncoded() throws {
        let long = String(repeating: "x", count: 1000)
        let bytes = Frame.close(reason: .idle, text: long).encoded()
        XCTAssertEqual(bytes.count, 4 + 1 + 1 + 2 + WireLimits.closeReasonBytesMax)
        var decoder = FrameDecoder()
        XCTAssertEqual(try decoder.push(bytes), [.close(reason: .idle, text: String(repeating: "x", count: 256))])
    }

    func testContactCardLongerThanTwiceTheRecordLimitIsTooLong() {
        let card = ContactCard.prefix + String(repeating: "A", count: 4097)
        XCTAssertWireError(
            try ContactCard.decode(card), .tooLong(field: "contact card", length: 4097, max: 4096))
    }

    func testContactCardWithWrongPrefixOrBadBase64IsInvalid() {
        XCTAssertWireError(
            try ContactCard.decode("ferry2:AAAA"),
            .invalid(field: "contact card", reason: "it must start with ferry1:"))
        XCTAssertWireError(
            try ContactCard.decode("ferry1:AUBB!kNE"),
            .invalid(field: "contact card", reason: "not valid base64url (was it cut when copied?)"))
    }
}

/// `bytes` followed by zeros up to the smallest padding bucket (4096), as a sealed content must be.
func zeroPadded(_ bytes: [UInt8]) -> [UInt8] { bytes + Array(repeating: 0, count: 4096 - bytes.count) }

func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
func bigEndian16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(truncatingIfNeeded: value)] }
