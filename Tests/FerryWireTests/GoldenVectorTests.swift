import XCTest
import FerryWire

/// Pins every wire format to bytes written out by hand from docs/PROTOCOL.md.
///
/// Each literal is split by field, in the order of the document's tables, so a layout change shows up
/// as a failing test and a diff that names the field. If one of these fails, either the code or
/// docs/PROTOCOL.md is wrong: decide which, and change both together.
final class GoldenVectorTests: XCTestCase {
    // MARK: - Golden bytes (also the worked examples of docs/PROTOCOL.md)

    static let envelopeHex =
        "01" // version
        + "00" // flags
        + "000102030405060708090a0b0c0d0e0f" // message id
        + "101112131415161718191a1b1c1d1e1f" // destination
        + "0000018bcfe56800" // created: 1700000000000 ms
        + "0000018bf3f1ec00" // expires: created + 604800000 ms
        + "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" // ack hash
        + "08" // hops left
        + "0004" // copies
        + "00000005" // sealed body length
        + "a0a1a2a3a4" // sealed body

    /// The fields of the sealed content (110 bytes), then zero padding to the smallest bucket, 4096.
    static let sealedContentHex =
        "02" // version
        + "01" // content type: text
        + "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf" // ack secret
        + "08" // hop limit
        + "0003" + "e0e1e2" // sender record, u16 length
        + "00000002" + "6869" // body "hi", u32 length
        + String(repeating: "55", count: 64) // signature
        + String(repeating: "00", count: 3986) // padding: 4096 − 110 zero bytes

    static let receiptHex =
        "000102030405060708090a0b0c0d0e0f" // message id
        + "0000018bcfe65260" // opened at: 1700000060000 ms

    static let identityRecordHex =
        "01" // version
        + "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f" // Ed25519 public key
        + "0004" + "60616263" // KEM public key, u16 length
        + "0000018bcfe56800" // created
        + "0000018bf3f1ec00" // expires
        + "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" // signature…
        + "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" // …64 bytes

    static let contactCard =
        "ferry1:AUBBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fAARgYWJjAAABi8_laAAAAAGL8_HsAICBgoOEhYaHiImKi4yNjo"
        + "-QkZKTlJWWl5iZmpucnZ6foKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr8"

    /// Every frame case with its full encoding (length prefix included), link protocol 2.
    static let frames: [(name: String, frame: Frame, hex: String)] = [
        (
            "hello", .hello(Fixture.hello),
            "0000000f" // length of type + payload: 15
                + "01" // type: hello
                + "0002" // protocol version 2
                + "0003" + "e0e1e2" // identity record, u16 length
                + "1cf3" // listen port 7411
                + "01" // flags: coordinator
                + "00000003" // capabilities: relay (bit 0) and sync (bit 1)
        ),
        (
            "envelope", .envelope(hex(envelopeHex)),
            "0000005f" // 1 + 94
                + "02" // type: envelope
                + envelopeHex
        ),
        (
            "proof", .proof(Fixture.proof),
            "00000033" // 1 + 16 + 32 + 1 + 1 = 51
                + "03" // type: proof
                + "000102030405060708090a0b0c0d0e0f" // message id
                + "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf" // ack secret
                + "03" // hops: 3
                + "02" // path: mesh
        ),
        (
            "refuse", .refuse(id: Fixture.id, reason: .expired),
            "00000012" // 1 + 16 + 1 = 18
                + "04" // type: refuse
                + "000102030405060708090a0b0c0d0e0f" // message id
                + "03" // reason: expired
        ),
        (
            "ping", .ping(nonce: 0x0102_0304_0506_0708),
            "00000009" + "05" + "0102030405060708"
        ),
        (
            "pong", .pong(nonce: 0x0102_0304_0506_0708),
            "00000009" + "06" + "0102030405060708"
        ),
        (
            "close", .close(reason: .shutdown, text: "bye"),
            "00000007" // 1 + 1 + 2 + 3
                + "07" // type: close
                + "01" // reason: shutdown
                + "0003" + "627965" // "bye", u16 length
        ),
        (
            "hopAck", .hopAck(id: Fixture.id, ackHash: Fixture.ackHash),
            "00000031" // 1 + 16 + 32 = 49
                + "08" // type: hopAck
                + "000102030405060708090a0b0c0d0e0f" // message id
                + "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" // ack hash
        ),
        (
            "sync", .sync(set: .messages, message: Fixture.syncMessage),
            "00000005" // 1 + 1 + 3
                + "09" // type: sync
                + "01" // set: messages
                + "f0f1f2" // reconciliation message: the rest of the frame
        ),
        (
            "want", .want(set: .proofs, ids: Fixture.syncIDs),
            "00000024" // 1 + 1 + 2 + 2 × 16 = 36
                + "0a" // type: want
                + "02" // set: proofs
                + "0002" // count
                + "404142434445464748494a4b4c4d4e4f" // sync id
                + "505152535455565758595a5b5c5d5e5f" // sync id
        ),
        (
            "endpoints", .endpoints([EndpointEntry(address: Fixture.address, ip: [198, 18, 7, 11], port: 7000)]),
            "00000019" // 1 + 1 + (16 + 1 + 4 + 2) = 25
                + "0b" // type: endpoints
                + "01" // one entry
                + "101112131415161718191a1b1c1d1e1f" // address
                + "04" + "c612070b" // IPv4, 198.18.7.11
                + "1b58" // port 7000
        ),
        (
            "announce", .announce(hopsLeft: 8, record: [0xe0, 0xe1, 0xe2]),
            "00000007" // 1 + 1 + 2 + 3
                + "0c" // type: announce
                + "08" // hops left
                + "0003" + "e0e1e2" // identity record, u16 length
        ),
        (
            "unknown", .unknown(type: 0x7b),
            "00000001" // 1: a type byte and, here, no payload
                + "7b" // type: not one this build knows
        ),
    ]

    // MARK: - Envelope

    func testEnvelopeEncodesToGoldenBytes() {
        XCTAssertEqual(Hex.encode(Fixture.envelope.encoded()), Self.envelopeHex)
        XCTAssertEqual(Fixture.envelope.encoded().count, 94)
    }

    func testEnvelopeDecodesFromGoldenBytes() throws {
        XCTAssertEqual(try Envelope.decode(hex(Self.envelopeHex)), Fixture.envelope)
    }

    func testEnvelopeFixedHeaderIsTheFirst82Bytes() {
        let header = Fixture.envelope.fixedHeader
        XCTAssertEqual(header.count, Envelope.fixedHeaderByteCount)
        XCTAssertEqual(Envelope.fixedHeaderByteCount, 82)
        XCTAssertEqual(header, Array(hex(Self.envelopeHex).prefix(82)))
    }

    func testEnvelopeFixedHeaderExcludesHopsLeftAndCopies() {
        var relayed = Fixture.envelope
        relayed.hopsLeft = 3
        relayed.copies = 1
        XCTAssertEqual(relayed.fixedHeader, Fixture.envelope.fixedHeader)
        XCTAssertNotEqual(relayed.encoded(), Fixture.envelope.encoded())
    }

    func testEnvelopeFixedHeaderOffsets() {
        // The offsets table of docs/PROTOCOL.md §Envelope.
        let bytes = Fixture.envelope.encoded()
        XCTAssertEqual(bytes[0], Envelope.version)
        XCTAssertEqual(bytes[1], 0)
        XCTAssertEqual(Array(bytes[2..<18]), Fixture.id.bytes)
        XCTAssertEqual(Array(bytes[18..<34]), Fixture.address.bytes)
        XCTAssertEqual(Array(bytes[34..<42]), hex("0000018bcfe56800"))
        XCTAssertEqual(Array(bytes[42..<50]), hex("0000018bf3f1ec00"))
        XCTAssertEqual(Array(bytes[50..<82]), Fixture.ackHash)
        XCTAssertEqual(bytes[82], 8)
        XCTAssertEqual(Array(bytes[83..<85]), [0x00, 0x04])
        XCTAssertEqual(Array(bytes[85..<89]), [0, 0, 0, 5])
        XCTAssertEqual(Array(bytes[89...]), Fixture.sealed)
    }

    // MARK: - Sealed content, receipt

    func testSealedContentGolden() throws {
        XCTAssertEqual(Hex.encode(Fixture.content.encoded()), Self.sealedContentHex)
        XCTAssertEqual(Fixture.content.encoded().count, 4096)
        XCTAssertEqual(try SealedContent.decode(hex(Self.sealedContentHex)), Fixture.content)
        XCTAssertEqual(SealedContent.version, 2)
    }

    func testSealedContentOffsets() {
        // The offsets table of docs/PROTOCOL.md §Sealed content, with R = 3 and B = 2.
        let bytes = Fixture.content.encoded()
        XCTAssertEqual(bytes[0], SealedContent.version)
        XCTAssertEqual(bytes[1], ContentType.text.rawValue)
        XCTAssertEqual(Array(bytes[2..<34]), Fixture.ackSecret)
        XCTAssertEqual(bytes[34], 8)
        XCTAssertEqual(Array(bytes[35..<37]), [0x00, 0x03])
        XCTAssertEqual(Array(bytes[37..<40]), [0xe0, 0xe1, 0xe2])
        XCTAssertEqual(Array(bytes[40..<44]), [0, 0, 0, 2])
        XCTAssertEqual(Array(bytes[44..<46]), Array("hi".utf8))
        XCTAssertEqual(Array(bytes[46..<110]), Array(repeating: 0x55, count: 64))
        XCTAssertEqual(110, SealedContent.fixedFieldsByteCount + 3 + 2)
        XCTAssertTrue(bytes[110...].allSatisfy { $0 == 0 })
    }

    func testSealedContentSignedBytesAreContextHeaderThenUnsignedContent() {
        // The signature covers the fields before it (41 + R + B = 46 bytes here), not the padding.
        let header = Fixture.envelope.fixedHeader
        let signed = Fixture.content.signedBytes(fixedHeader: header)
        let context = Array("ferry-message-v1".utf8)
        XCTAssertEqual(SealedContent.signatureContext, context)
        XCTAssertEqual(Array(signed.prefix(16)), context)
        XCTAssertEqual(Array(signed[16..<98]), header)
        XCTAssertEqual(Array(signed[98...]), Array(hex(Self.sealedContentHex).prefix(46)))
    }

    func testReceiptGolden() throws {
        XCTAssertEqual(Hex.encode(Fixture.receipt.encoded()), Self.receiptHex)
        XCTAssertEqual(Fixture.receipt.encoded().count, Receipt.byteCount)
        XCTAssertEqual(try Receipt.decode(hex(Self.receiptHex)), Fixture.receipt)
    }

    // MARK: - Identity record, contact card

    func testIdentityRecordGolden() throws {
        XCTAssertEqual(Hex.encode(Fixture.record.encoded()), Self.identityRecordHex)
        XCTAssertEqual(try IdentityRecord.decode(hex(Self.identityRecordHex)), Fixture.record)
    }

    func testIdentityRecordSignedBytesAreContextThenRecordWithoutSignature() {
        let context = Array("ferry-identity-v1".utf8)
        XCTAssertEqual(IdentityRecord.signatureContext, context)
        XCTAssertEqual(Fixture.record.signedBytes, context + Array(hex(Self.identityRecordHex).dropLast(64)))
    }

    func testContactCardGolden() throws {
        XCTAssertEqual(ContactCard.encode(Fixture.record), Self.contactCard)
        XCTAssertEqual(try ContactCard.decode(Self.contactCard), Fixture.record)
        // Surrounding white space, as pasted from a terminal, is ignored.
        XCTAssertEqual(try ContactCard.decode("  " + Self.contactCard + "\n"), Fixture.record)
    }

    func testContactCardUsesBase64URLWithoutPadding() {
        let card = ContactCard.encode(Fixture.record)
        XCTAssertTrue(card.hasPrefix("ferry1:"))
        XCTAssertFalse(card.contains("+") || card.contains("/") || card.contains("="))
    }

    // MARK: - Frames

    func testEveryFrameKindHasAGoldenVector() {
        let kinds = Set(Self.frames.compactMap { $0.frame.kind?.rawValue })
        XCTAssertEqual(kinds, Set(1...12))
        XCTAssertTrue(Self.frames.contains { $0.frame.kind == nil }, "and one of a type this build does not know")
    }

    func testFramesEncodeToGoldenBytes() {
        for (name, frame, expected) in Self.frames {
            XCTAssertEqual(Hex.encode(frame.encoded()), expected, name)
        }
    }

    func testFramesDecodeFromGoldenBytes() throws {
        for (name, frame, expected) in Self.frames {
            let bytes = hex(expected)
            XCTAssertEqual(try Frame.decode(payload: Array(bytes.dropFirst(4))), frame, name)
            var decoder = FrameDecoder()
            XCTAssertEqual(try decoder.push(bytes), [frame], name)
            XCTAssertEqual(decoder.bufferedByteCount, 0, name)
        }
    }

    func testFrameTypeCodes() {
        let codes: [(Frame.Kind, UInt8)] = [
            (.hello, 1), (.envelope, 2), (.proof, 3), (.refuse, 4), (.ping, 5), (.pong, 6), (.close, 7),
            (.hopAck, 8), (.sync, 9), (.want, 10),
        ]
        for (kind, code) in codes { XCTAssertEqual(kind.rawValue, code, "\(kind)") }
        XCTAssertEqual(Frame.unknown(type: 0x7b).kind, nil)
    }

    func testReasonCodes() {
        XCTAssertEqual(
            [RefuseReason.invalid, .notForMe, .expired, .unavailable, .held, .quota, .hopLimit].map(\.rawValue),
            [1, 2, 3, 4, 5, 6, 7])
        XCTAssertEqual(
            [CloseReason.shutdown, .protocolError, .wrongPeer, .duplicateLink, .idle, .busy].map(\.rawValue),
            [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(Hello.protocolVersion, 2)
        XCTAssertEqual(Hello.flagCoordinator, 0x01)
        XCTAssertEqual([ContentType.text, .receipt].map(\.rawValue), [1, 2])
    }

    func testLinkProtocol2Codes() {
        // docs/PROTOCOL.md §Link frames: capability bits, proof paths, sync sets.
        XCTAssertEqual(Hello.Capabilities.relay.rawValue, 1 << 0)
        XCTAssertEqual(Hello.Capabilities.sync.rawValue, 1 << 1)
        XCTAssertEqual(Hello.Capabilities.exchange.rawValue, 1 << 2)
        XCTAssertEqual(Hello.Capabilities.announce.rawValue, 1 << 3)
        XCTAssertEqual(Hello.Capabilities.all.rawValue, 0b1111)
        XCTAssertEqual(Hello(record: [], listenPort: 0).version, 2, "a hello speaks version 2 by default")
        XCTAssertEqual([ProofPath.direct, .mesh, .coordinator].map(\.rawValue), [1, 2, 3])
        XCTAssertEqual([SyncSet.messages, .proofs].map(\.rawValue), [1, 2])
        XCTAssertEqual(DeliveryProof.byteCount, 50)
        XCTAssertEqual(hex(Self.frames.first { $0.name == "proof" }!.hex).count, 4 + 1 + DeliveryProof.byteCount)
    }

    func testEveryRefuseReasonDecodes() throws {
        let reasons: [RefuseReason] = [.invalid, .notForMe, .expired, .unavailable, .held, .quota, .hopLimit]
        for reason in reasons {
            let bytes = hex("00000012 04 000102030405060708090a0b0c0d0e0f") + [reason.rawValue]
            XCTAssertEqual(Frame.refuse(id: Fixture.id, reason: reason).encoded(), bytes, "\(reason)")
            XCTAssertEqual(try Frame.decode(payload: Array(bytes.dropFirst(4))), .refuse(id: Fixture.id, reason: reason))
        }
    }

    func testBusyCloseDecodes() throws {
        let bytes = hex("00000008 07 06 0004 62757379") // busy, "busy"
        XCTAssertEqual(Frame.close(reason: .busy, text: CloseReason.busy.publicText).encoded(), bytes)
        XCTAssertEqual(try Frame.decode(payload: Array(bytes.dropFirst(4))), .close(reason: .busy, text: "busy"))
    }

    // MARK: - Limits (docs/PROTOCOL.md §Limits)

    func testLimitsMatchProtocolDocument() {
        XCTAssertEqual(WireLimits.frameBytesMax, 262_144)
        XCTAssertEqual(WireLimits.sealedBytesMax, 196_608)
        XCTAssertEqual(WireLimits.messageBodyBytesMax, 65_536)
        XCTAssertEqual(WireLimits.identityRecordBytesMax, 2048)
        XCTAssertEqual(WireLimits.closeReasonBytesMax, 256)
        XCTAssertEqual(WireLimits.wantIDsMax, 1024)
        XCTAssertEqual(WireLimits.syncIDByteCount, 16)
        XCTAssertEqual(WireLimits.hopLimitDefault, 8)
        XCTAssertEqual(WireLimits.messageLifetimeDefaultMilliseconds, 604_800_000)
        XCTAssertEqual(IdentityRecord.kemKeyBytesMax, 1536)
        XCTAssertEqual(WireLimits.sealedContentBucketsBytes, [4096, 8192, 16_384, 32_768, 65_536, 69_632])
    }

    func testLimitsNest() {
        // An envelope with the largest sealed body fits in one frame.
        let envelopeBytesMax = Envelope.fixedHeaderByteCount + 1 + 2 + 4 + WireLimits.sealedBytesMax
        XCTAssertLessThanOrEqual(1 + envelopeBytesMax, WireLimits.frameBytesMax)
        // The largest record (largest KEM key) fits the record limit, so a hello can carry it.
        let recordBytesMax = 1 + 32 + 2 + IdentityRecord.kemKeyBytesMax + 8 + 8 + 64
        XCTAssertLessThanOrEqual(recordBytesMax, WireLimits.identityRecordBytesMax)
        // The largest want fits in one frame, and its count fits its u16.
        let wantBytesMax = 1 + 1 + 2 + WireLimits.wantIDsMax * WireLimits.syncIDByteCount
        XCTAssertEqual(wantBytesMax, 16_388)
        XCTAssertLessThanOrEqual(wantBytesMax, WireLimits.frameBytesMax)
        XCTAssertLessThanOrEqual(WireLimits.wantIDsMax, Int(UInt16.max))
        // The largest sealed content (largest record and body) fits the last padding bucket, and the
        // last bucket plus the HPKE overhead (1120-byte encapsulated key, 16-byte tag) fits the sealed limit.
        let fixedFields = 1 + 1 + 32 + 1 + 2 + 4 + 64
        XCTAssertEqual(fixedFields, SealedContent.fixedFieldsByteCount)
        let contentBytesMax = fixedFields + WireLimits.identityRecordBytesMax + WireLimits.messageBodyBytesMax
        XCTAssertEqual(contentBytesMax, 67_689)
        let lastBucket = WireLimits.sealedContentBucketsBytes.last!
        XCTAssertLessThanOrEqual(contentBytesMax, lastBucket)
        XCTAssertLessThanOrEqual(1120 + lastBucket + 16, WireLimits.sealedBytesMax)
    }

    func testPaddingBucketsArithmetic() {
        // docs/PROTOCOL.md §Padding: powers of two from 4 KiB to 64 KiB, then the smallest multiple of
        // 4 KiB that holds the largest content.
        let buckets = WireLimits.sealedContentBucketsBytes
        XCTAssertEqual(Array(buckets.dropLast()), (12...16).map { 1 << $0 })
        let contentBytesMax = SealedContent.fixedFieldsByteCount + WireLimits.identityRecordBytesMax
            + WireLimits.messageBodyBytesMax
        let last = buckets.last!
        XCTAssertEqual(last % 4096, 0)
        XCTAssertGreaterThanOrEqual(last, contentBytesMax)
        XCTAssertLessThan(last - 4096, contentBytesMax, "a smaller multiple of 4 KiB would do")
        XCTAssertLessThan(buckets[buckets.count - 2], contentBytesMax, "the last bucket is needed")
        XCTAssertEqual(buckets, buckets.sorted())
    }
}
