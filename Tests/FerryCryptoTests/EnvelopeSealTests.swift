@_spi(HPKEAlgID) import Crypto
import Foundation
import XCTest
@testable import FerryCrypto
import FerryWire

/// Sealing and opening envelopes (docs/PROTOCOL.md §Sealing, §Sealed content, §Delivery proof).
final class EnvelopeSealTests: XCTestCase {
    static let created = Timestamp(milliseconds: 1_700_000_000_000)
    static let expires = created.adding(milliseconds: WireLimits.messageLifetimeDefaultMilliseconds)
    static let recordExpires = created.adding(milliseconds: 365 * 24 * 3600 * 1000)

    /// Two nodes and a bystander, made once: key generation is the slow part in debug builds.
    struct Party {
        let identity: NodeIdentity
        let record: IdentityRecord
        let verified: VerifiedIdentity

        init() throws {
            identity = try NodeIdentity.generate()
            record = try identity.record(created: EnvelopeSealTests.created, expires: EnvelopeSealTests.recordExpires)
            verified = try VerifiedIdentity(record: record, now: EnvelopeSealTests.created)
        }
    }

    nonisolated(unsafe) static var parties: (alice: Party, bob: Party, carol: Party)?

    var alice: Party { Self.parties!.alice }
    var bob: Party { Self.parties!.bob }
    var carol: Party { Self.parties!.carol }

    override func setUpWithError() throws {
        if Self.parties == nil { Self.parties = (try Party(), try Party(), try Party()) }
    }

    func draft(
        body: [UInt8] = Array("hello bob".utf8), type: ContentType = .text, hopLimit: UInt8 = 8, copies: UInt16 = 4
    ) -> EnvelopeSeal.Draft {
        EnvelopeSeal.Draft(
            id: try! MessageID(bytes: Array(0x00...0x0f as ClosedRange<UInt8>)), created: Self.created,
            expires: Self.expires, contentType: type, body: body, ackSecret: Array(0xc0...0xdf as ClosedRange<UInt8>),
            hopLimit: hopLimit, copies: copies)
    }

    func sealToBob(_ draft: EnvelopeSeal.Draft? = nil) throws -> Envelope {
        try EnvelopeSeal.seal(draft ?? self.draft(), to: bob.verified, from: alice.identity, senderRecord: alice.record)
    }

    // MARK: - Round trips

    func testSealOpenRoundTripText() throws {
        let draft = self.draft()
        let envelope = try sealToBob(draft)
        XCTAssertEqual(envelope.destination, bob.identity.address)
        XCTAssertEqual(envelope.id, draft.id)
        XCTAssertEqual(envelope.created, draft.created)
        XCTAssertEqual(envelope.expires, draft.expires)
        XCTAssertEqual(envelope.hopsLeft, 8)
        XCTAssertEqual(envelope.copies, 4)
        XCTAssertEqual(envelope.flags, 0)
        XCTAssertEqual(envelope.ackHash, Array(SHA256.hash(data: draft.ackSecret)))

        // Through the wire format, as a relay would carry it.
        let opened = try EnvelopeSeal.open(try Envelope.decode(envelope.encoded()), as: bob.identity)
        XCTAssertEqual(opened.content.body, draft.body)
        XCTAssertEqual(opened.content.contentType, .text)
        XCTAssertEqual(opened.content.ackSecret, draft.ackSecret)
        XCTAssertEqual(opened.content.hopLimit, 8)
        XCTAssertEqual(opened.sender.address, alice.identity.address)
        XCTAssertEqual(opened.sender.record, alice.record)
        XCTAssertEqual(opened.hops, 1)
        XCTAssertTrue(Digests.proofMatches(DeliveryProof(id: envelope.id, ackSecret: opened.content.ackSecret), ackHash: envelope.ackHash))
    }

    func testSealOpenRoundTripReceipt() throws {
        let receipt = Receipt(messageID: try MessageID(bytes: Array(repeating: 9, count: 16)), openedAt: Self.created)
        let envelope = try sealToBob(draft(body: receipt.encoded(), type: .receipt))
        let opened = try EnvelopeSeal.open(envelope, as: bob.identity)
        XCTAssertEqual(opened.content.contentType, .receipt)
        XCTAssertEqual(try Receipt.decode(opened.content.body), receipt)
    }

    func testEmptyAndLargestBodies() throws {
        for body in [[], Array(repeating: UInt8(0x61), count: WireLimits.messageBodyBytesMax)] {
            let envelope = try sealToBob(draft(body: body))
            XCTAssertLessThanOrEqual(envelope.sealed.count, WireLimits.sealedBytesMax)
            let decoded = try Envelope.decode(envelope.encoded())
            XCTAssertEqual(try EnvelopeSeal.open(decoded, as: bob.identity).content.body, body)
        }
    }

    func testSealedBodyLayout() throws {
        // Sealed body = 1120-byte X-Wing encapsulated key || ChaCha20-Poly1305 ciphertext (16-byte tag)
        // of the content padded to its bucket: 1436 + 9 bytes of fields make the 4096-byte bucket.
        let envelope = try sealToBob()
        let fieldsCount = 1 + 1 + 32 + 1 + 2 + alice.record.encoded().count + 4 + 9 + 64
        XCTAssertEqual(fieldsCount, 1445)
        XCTAssertEqual(EnvelopeSeal.encapsulatedKeyByteCount, 1120)
        XCTAssertEqual(EnvelopeSeal.tagByteCount, 16)
        XCTAssertEqual(envelope.sealed.count, 1120 + 4096 + 16)
    }

    // MARK: - Padding (docs/PROTOCOL.md §Padding)

    func testOneByteAndThousandByteMessagesHaveTheSameSealedSize() throws {
        let short = try sealToBob(draft(body: [0x61]))
        let long = try sealToBob(draft(body: Array(repeating: 0x61, count: 1000)))
        XCTAssertEqual(short.sealed.count, long.sealed.count)
        XCTAssertEqual(short.encoded().count, long.encoded().count)
        XCTAssertEqual(short.sealed.count, 5232)
        XCTAssertEqual(try EnvelopeSeal.open(long, as: bob.identity).content.body.count, 1000)
    }

    func testSealedBodiesLandInTheirBuckets() throws {
        // With a real 1331-byte sender record the fields take 1436 + body bytes. Bodies that fill a
        // bucket exactly, and one byte more, for every bucket a body can reach.
        let fieldsBase = SealedContent.fixedFieldsByteCount + alice.record.encoded().count
        XCTAssertEqual(fieldsBase, 1436)
        let buckets = WireLimits.sealedContentBucketsBytes
        var cases: [(body: Int, bucket: Int)] = [(0, 4096), (WireLimits.messageBodyBytesMax, 69_632)]
        for (index, bucket) in buckets.enumerated() where bucket - fieldsBase <= WireLimits.messageBodyBytesMax {
            cases += [(bucket - fieldsBase, bucket), (bucket - fieldsBase + 1, buckets[index + 1])]
        }
        XCTAssertEqual(cases.count, 12)
        for (bodyCount, bucket) in cases {
            let body = Array(repeating: UInt8(0x61), count: bodyCount)
            let envelope = try sealToBob(draft(body: body))
            XCTAssertEqual(envelope.sealed.count, 1120 + bucket + 16, "body of \(bodyCount) bytes")
            XCTAssertEqual(try EnvelopeSeal.open(envelope, as: bob.identity).content.body, body)
        }
    }

    func testNonZeroPaddingIsRefusedEvenThoughSigned() throws {
        // A correctly signed content whose padding is not all zeros: the AEAD and the signature both
        // pass, so only the decoder's padding check stands between it and the inbox.
        let envelope = try sealToBob()
        let good = try signedContent(header: envelope.fixedHeader).encoded()
        for offset in [1438, good.count - 1] {
            var plaintext = good
            plaintext[offset] = 1
            let forged = try sealPlaintextByHand(plaintext, header: envelope.fixedHeader, like: envelope)
            XCTAssertThrowsError(try EnvelopeSeal.open(forged, as: bob.identity), "offset \(offset)") {
                XCTAssertEqual(
                    $0 as? FerryCrypto.CryptoError,
                    .malformed("sealed content: invalid padding: non-zero byte at offset \(offset)"))
            }
        }
        // The same plaintext with its padding intact opens: the loop above tests the padding alone.
        let control = try sealPlaintextByHand(good, header: envelope.fixedHeader, like: envelope)
        XCTAssertEqual(try EnvelopeSeal.open(control, as: bob.identity).content.body, Array("hi".utf8))
    }

    func testWrongPlaintextLengthIsRefusedBeforeDecapsulating() throws {
        // Unpadded, one byte short of or over a bucket: no padded content gives these sealed sizes.
        let envelope = try sealToBob()
        let good = try signedContent(header: envelope.fixedHeader).encoded()
        let fieldsCount = SealedContent.fixedFieldsByteCount + alice.record.encoded().count + 2
        for plaintext in [Array(good.prefix(fieldsCount)), Array(good.dropLast()), good + [0]] {
            let forged = try sealPlaintextByHand(plaintext, header: envelope.fixedHeader, like: envelope)
            let sealedCount = 1120 + plaintext.count + 16
            XCTAssertThrowsError(try EnvelopeSeal.open(forged, as: bob.identity), "\(plaintext.count) bytes") {
                XCTAssertEqual(
                    $0 as? FerryCrypto.CryptoError, .cannotOpen("sealed body of \(sealedCount) bytes is not a padded size"))
            }
        }
    }

    func testALargerBucketThanNeededOpens() throws {
        // A sender may pad to any bucket that holds its content (docs/PROTOCOL.md §Padding).
        let envelope = try sealToBob()
        let good = try signedContent(header: envelope.fixedHeader).encoded()
        let padded = good + Array(repeating: 0, count: 16_384 - good.count)
        let sealed = try sealPlaintextByHand(padded, header: envelope.fixedHeader, like: envelope)
        XCTAssertEqual(sealed.sealed.count, 1120 + 16_384 + 16)
        XCTAssertEqual(try EnvelopeSeal.open(sealed, as: bob.identity).content.body, Array("hi".utf8))
    }

    func testVersion1ContentIsRefused() throws {
        // Version 1 had no padding. Signed and sealed correctly, it is still refused: unpadded it
        // has no bucket's size; padded, its version byte says 1.
        let envelope = try sealToBob()
        let fields = try signedContent(header: envelope.fixedHeader, version: 1)
        let unpadded = try sealPlaintextByHand(fields, header: envelope.fixedHeader, like: envelope)
        XCTAssertThrowsError(try EnvelopeSeal.open(unpadded, as: bob.identity)) {
            guard case .cannotOpen? = $0 as? FerryCrypto.CryptoError else { return XCTFail("\($0)") }
        }
        let paddedFields = fields + Array(repeating: 0, count: 4096 - fields.count)
        let padded = try sealPlaintextByHand(paddedFields, header: envelope.fixedHeader, like: envelope)
        XCTAssertThrowsError(try EnvelopeSeal.open(padded, as: bob.identity)) {
            XCTAssertEqual($0 as? FerryCrypto.CryptoError, .malformed("sealed content: unsupported version 1"))
        }
    }

    func testEachSealIsFresh() throws {
        XCTAssertNotEqual(try sealToBob().sealed, try sealToBob().sealed)
    }

    func testBodyOverLimitIsRefused() {
        XCTAssertThrowsError(try sealToBob(draft(body: Array(repeating: 0, count: WireLimits.messageBodyBytesMax + 1))))
    }

    func testAckSecretOfWrongSizeIsRefused() {
        var draft = self.draft()
        draft.ackSecret = [1, 2, 3]
        XCTAssertThrowsError(try sealToBob(draft)) { XCTAssertEqual($0 as? FerryCrypto.CryptoError, .malformed("ack secret")) }
    }

    func testHopsCountFromHopsLeft() throws {
        var envelope = try sealToBob(draft(hopLimit: 8))
        envelope.hopsLeft = 5
        XCTAssertEqual(try EnvelopeSeal.open(envelope, as: bob.identity).hops, 4)
        envelope.hopsLeft = 1
        XCTAssertEqual(try EnvelopeSeal.open(envelope, as: bob.identity).hops, 8)
    }

    // MARK: - Tampering

    func testEveryFixedHeaderByteIsAuthenticated() throws {
        let bytes = try sealToBob().encoded()
        var refusedByCodec: [Int] = []
        for index in 0..<Envelope.fixedHeaderByteCount {
            var tampered = bytes
            tampered[index] ^= 0x01
            guard let envelope = try? Envelope.decode(tampered) else {
                refusedByCodec.append(index) // a version the codec does not speak, or expires ≤ created
                continue
            }
            if (18..<34).contains(index) {
                // A changed destination is no longer this node's address.
                XCTAssertThrowsError(try EnvelopeSeal.open(envelope, as: bob.identity), "byte \(index)") {
                    XCTAssertEqual($0 as? FerryCrypto.CryptoError, .wrongRecipient)
                }
            } else {
                XCTAssertThrowsError(try EnvelopeSeal.open(envelope, as: bob.identity), "byte \(index)") {
                    XCTAssertEqual($0 as? FerryCrypto.CryptoError, .cannotOpen("authentication failed"), "byte \(index)")
                }
            }
        }
        // Only the version byte and a few high bytes of the two times can make the codec refuse first.
        XCTAssertEqual(refusedByCodec.first, 0)
        XCTAssertTrue(refusedByCodec.dropFirst().allSatisfy { (34..<50).contains($0) }, "\(refusedByCodec)")
        XCTAssertLessThanOrEqual(refusedByCodec.count, 10)
    }

    func testEveryFixedHeaderFieldIsAuthenticatedEvenWhereTheCodecWouldRefuse() throws {
        // Version and expiry flips may be refused by the codec; check the AEAD covers them anyway.
        let envelope = try sealToBob()
        var variants: [Envelope] = []
        var flagged = envelope
        flagged.flags = 0x80
        variants.append(flagged)
        var older = envelope
        older.created = Timestamp(milliseconds: envelope.created.milliseconds - 1)
        variants.append(older)
        var extended = envelope
        extended.expires = extended.expires.adding(milliseconds: 1)
        variants.append(extended)
        var otherID = envelope
        otherID.id = try MessageID(bytes: Array(repeating: 0, count: 16))
        variants.append(otherID)
        var otherHash = envelope
        otherHash.ackHash[31] ^= 1
        variants.append(otherHash)
        for (index, variant) in variants.enumerated() {
            XCTAssertThrowsError(try EnvelopeSeal.open(variant, as: bob.identity), "variant \(index)") {
                XCTAssertEqual($0 as? FerryCrypto.CryptoError, .cannotOpen("authentication failed"))
            }
        }
    }

    func testRetargetedEnvelopeCannotBeOpenedByTheNewDestination() throws {
        var envelope = try sealToBob()
        envelope.destination = carol.identity.address
        XCTAssertThrowsError(try EnvelopeSeal.open(envelope, as: carol.identity)) {
            XCTAssertEqual($0 as? FerryCrypto.CryptoError, .cannotOpen("authentication failed"))
        }
    }

    func testHopsLeftAndCopiesAreMutable() throws {
        // Only the fixed header is authenticated: relays change hops left and copies.
        let bytes = try sealToBob(draft(hopLimit: 8, copies: 4)).encoded()
        XCTAssertEqual(bytes[82], 8)
        for index in 82..<85 {
            for mask: UInt8 in [0x01, 0x02, 0x80] {
                var relayed = bytes
                relayed[index] ^= mask
                let envelope = try Envelope.decode(relayed)
                let opened = try EnvelopeSeal.open(envelope, as: bob.identity)
                XCTAssertEqual(opened.content.body, Array("hello bob".utf8))
                if index == 82 {
                    // A relay that raises hops left above the sealed limit gets no wrap-around: 1 hop.
                    let left = 8 ^ mask
                    XCTAssertEqual(opened.hops, left <= 8 ? 8 - left + 1 : 1, "hops left \(left)")
                } else {
                    XCTAssertEqual(opened.hops, 1)
                }
            }
        }
    }

    func testSampledSealedBodyBytesAreAuthenticated() throws {
        let envelope = try sealToBob()
        let sealed = envelope.sealed
        let keyEnd = EnvelopeSeal.encapsulatedKeyByteCount
        // Encapsulated key: ML-KEM ciphertext (0..<1088) and X25519 share (1088..<1120), sampled.
        var positions = Array(stride(from: 0, to: keyEnd, by: 97)) + [1087, 1088, 1100, 1119]
        // Ciphertext: the start, the middle, and the whole Poly1305 tag.
        positions += Array(stride(from: keyEnd, to: sealed.count, by: 151)) + Array(sealed.count - 16..<sealed.count)
        for position in positions {
            for mask: UInt8 in position == keyEnd - 1 ? [0x01, 0x80] : [0x01] {
                var tampered = envelope
                tampered.sealed[position] ^= mask
                XCTAssertThrowsError(try EnvelopeSeal.open(tampered, as: bob.identity), "sealed byte \(position)") {
                    XCTAssertEqual($0 as? FerryCrypto.CryptoError, .cannotOpen("authentication failed"), "sealed byte \(position)")
                }
            }
        }
    }

    func testShortenedOrExtendedSealedBodyIsRejected() throws {
        let envelope = try sealToBob()
        for sealed in [
            Array(envelope.sealed.dropLast()), envelope.sealed + [0], Array(envelope.sealed.prefix(1121)),
            Array(envelope.sealed.prefix(1120)), [],
        ] {
            var tampered = envelope
            tampered.sealed = sealed
            XCTAssertThrowsError(try EnvelopeSeal.open(tampered, as: bob.identity), "\(sealed.count) bytes") {
                guard case .cannotOpen? = $0 as? FerryCrypto.CryptoError else { return XCTFail("\($0)") }
            }
        }
    }

    func testWrongRecipient() throws {
        let envelope = try sealToBob()
        XCTAssertThrowsError(try EnvelopeSeal.open(envelope, as: carol.identity)) {
            XCTAssertEqual($0 as? FerryCrypto.CryptoError, .wrongRecipient)
        }
        XCTAssertThrowsError(try EnvelopeSeal.open(envelope, as: alice.identity)) {
            XCTAssertEqual($0 as? FerryCrypto.CryptoError, .wrongRecipient)
        }
    }

    func testSignatureByAnotherKeyIsRejected() throws {
        // Carol signs, but the record inside claims Alice: the sealed-sender claim cannot be forged.
        let envelope = try EnvelopeSeal.seal(draft(), to: bob.verified, from: carol.identity, senderRecord: alice.record)
        XCTAssertThrowsError(try EnvelopeSeal.open(envelope, as: bob.identity)) {
            XCTAssertEqual($0 as? FerryCrypto.CryptoError, .badSignature("message from \(self.alice.identity.address)"))
        }
    }

    func testSignatureOverAnotherHeaderIsRejected() throws {
        // A valid signature by Alice, but over a different fixed header (say, for another recipient):
        // sealed by hand so that only the signature check can catch it.
        let header = try sealToBob().fixedHeader
        var otherHeader = header
        otherHeader[81] ^= 1
        var content = SealedContent(
            contentType: .text, ackSecret: draft().ackSecret, hopLimit: 8, senderRecord: alice.record.encoded(),
            body: Array("hi".utf8))
        content.signature = try alice.identity.sign(content.signedBytes(fixedHeader: otherHeader))
        let envelope = try sealByHand(content, header: header)
        XCTAssertThrowsError(try EnvelopeSeal.open(envelope, as: bob.identity)) {
            XCTAssertEqual($0 as? FerryCrypto.CryptoError, .badSignature("message from \(self.alice.identity.address)"))
        }
    }

    func testAckHashMismatchIsRejected() throws {
        // Header and signature agree, but the header's ack hash is not the hash of the sealed secret:
        // the recipient's proof would never match, so the message is refused.
        var envelope = try sealToBob()
        envelope.ackHash = Array(SHA256.hash(data: Array(repeating: UInt8(0), count: 32)))
        var content = SealedContent(
            contentType: .text, ackSecret: draft().ackSecret, hopLimit: 8, senderRecord: alice.record.encoded(),
            body: Array("hi".utf8))
        content.signature = try alice.identity.sign(content.signedBytes(fixedHeader: envelope.fixedHeader))
        let forged = try sealByHand(content, header: envelope.fixedHeader, like: envelope)
        XCTAssertThrowsError(try EnvelopeSeal.open(forged, as: bob.identity)) {
            XCTAssertEqual($0 as? FerryCrypto.CryptoError, .malformed("ack hash"))
        }
    }

    func testGarbledPlaintextIsMalformed() throws {
        // The right version and size, but an unknown content type.
        let envelope = try sealToBob()
        let plaintext = [SealedContent.version, 0x09] + Array(repeating: 0, count: 4094)
        let forged = try sealPlaintextByHand(plaintext, header: envelope.fixedHeader, like: envelope)
        XCTAssertThrowsError(try EnvelopeSeal.open(forged, as: bob.identity)) {
            guard case .malformed(let what)? = $0 as? FerryCrypto.CryptoError else { return XCTFail("\($0)") }
            XCTAssertTrue(what.hasPrefix("sealed content"), what)
        }
    }

    func testHostileEncapsulatedKeysAreRefusedNotTrapped() throws {
        // All-zero and all-one ML-KEM ciphertexts; an all-zero (low-order) X25519 share.
        let envelope = try sealToBob()
        let ciphertext = Array(envelope.sealed.dropFirst(EnvelopeSeal.encapsulatedKeyByteCount))
        for (mlkem, x25519): (UInt8, UInt8) in [(0, 0), (0xff, 0xff), (0, 0xff), (0xff, 0)] {
            var tampered = envelope
            tampered.sealed = Array(repeating: mlkem, count: 1088) + Array(repeating: x25519, count: 32) + ciphertext
            XCTAssertThrowsError(try EnvelopeSeal.open(tampered, as: bob.identity)) {
                XCTAssertEqual($0 as? FerryCrypto.CryptoError, .cannotOpen("authentication failed"))
            }
        }
    }

    func testRandomSealedBodiesAreRefused() throws {
        var random = XorShift(seed: 0xC0FFEE)
        var envelope = try sealToBob()
        for _ in 0..<100 {
            envelope.sealed = random.bytes(1121 + Int(random.next() % 400))
            XCTAssertThrowsError(try EnvelopeSeal.open(envelope, as: bob.identity))
        }
    }

    func testRandomPlaintextsInAValidSealAreRefused() throws {
        // A hostile sender controls the plaintext completely: garbage and mutated content must be
        // refused (malformed or bad signature), never trap and never open.
        var random = XorShift(seed: 0xBADC0DE)
        let template = try sealToBob()
        var content = SealedContent(
            contentType: .text, ackSecret: draft().ackSecret, hopLimit: 8, senderRecord: alice.record.encoded(),
            body: Array("hi".utf8))
        content.signature = try alice.identity.sign(content.signedBytes(fixedHeader: template.fixedHeader))
        let good = content.encoded()
        for round in 0..<120 {
            var plaintext: [UInt8]
            if round % 3 == 0 {
                // Garbage of a bucket's size, so that it reaches the decoder.
                plaintext = random.bytes(good.count)
            } else {
                // Mutations in the fields (the first 1438 bytes) or just after them, in the padding.
                plaintext = good
                for _ in 0..<(1 + random.next() % 3) {
                    plaintext[Int(random.next() % 1500)] ^= UInt8(truncatingIfNeeded: random.next() | 1)
                }
            }
            var hpke = try HPKE.Sender(
                recipientKey: bob.verified.kemPublicKey, ciphersuite: EnvelopeSeal.suite, info: Data(EnvelopeSeal.info))
            let ciphertext = try hpke.seal(plaintext, authenticating: template.fixedHeader)
            var forged = template
            forged.sealed = Array(hpke.encapsulatedKey) + Array(ciphertext)
            XCTAssertThrowsError(try EnvelopeSeal.open(forged, as: bob.identity), "round \(round)")
        }
        // The unmutated plaintext, sealed the same way, does open: the loop above tests the mutations.
        var hpke = try HPKE.Sender(
            recipientKey: bob.verified.kemPublicKey, ciphersuite: EnvelopeSeal.suite, info: Data(EnvelopeSeal.info))
        var control = template
        control.sealed = Array(hpke.encapsulatedKey) + Array(try hpke.seal(good, authenticating: template.fixedHeader))
        XCTAssertEqual(try EnvelopeSeal.open(control, as: bob.identity).content.body, Array("hi".utf8))
    }

    // MARK: - Suite and proofs

    func testSuiteIdentifiers() {
        XCTAssertEqual(Array("ferry envelope v1".utf8), EnvelopeSeal.info)
        XCTAssertEqual(EnvelopeSeal.suite.kem.value, 0x647a)
        XCTAssertEqual(EnvelopeSeal.suite.kdf.value, 0x0001)
        XCTAssertEqual(EnvelopeSeal.suite.aead.value, 0x0003)
        XCTAssertEqual(Int(EnvelopeSeal.suite.kem.nEnc), EnvelopeSeal.encapsulatedKeyByteCount)
    }

    func testProofMatches() {
        let secret = Array(0xc0...0xdf as ClosedRange<UInt8>)
        let ackHash = Array(SHA256.hash(data: secret))
        let id = try! MessageID(bytes: Array(repeating: 1, count: 16))
        XCTAssertTrue(Digests.proofMatches(DeliveryProof(id: id, ackSecret: secret), ackHash: ackHash))
        var other = secret
        other[0] ^= 1
        XCTAssertFalse(Digests.proofMatches(DeliveryProof(id: id, ackSecret: other), ackHash: ackHash))
        XCTAssertFalse(Digests.proofMatches(DeliveryProof(id: id, ackSecret: ackHash), ackHash: ackHash))
        XCTAssertFalse(Digests.proofMatches(DeliveryProof(id: id, ackSecret: []), ackHash: Digests.sha256([])))
        XCTAssertFalse(Digests.proofMatches(DeliveryProof(id: id, ackSecret: secret + [0]), ackHash: ackHash))
        // The ack hash is plain SHA-256, computed independently (Python hashlib).
        XCTAssertEqual(
            Hex.encode(Digests.sha256(secret)), Hex.encode(ackHash))
    }

    func testSHA256KnownAnswer() {
        XCTAssertEqual(
            Hex.encode(Digests.sha256(Array("abc".utf8))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testSecureRandomBytes() {
        XCTAssertEqual(SecureRandom.bytes(32).count, 32)
        XCTAssertNotEqual(SecureRandom.bytes(32), SecureRandom.bytes(32))
    }

    // MARK: - Helpers

    /// xorshift64*, seeded, so a failure replays.
    struct XorShift {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
        mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
    }

    /// HPKE-seals `content` to Bob with `header` as associated data, as `EnvelopeSeal.seal` does,
    /// but without its consistency checks: a stand-in for a hostile or buggy sender.
    func sealByHand(_ content: SealedContent, header: [UInt8], like template: Envelope? = nil) throws -> Envelope {
        try sealPlaintextByHand(content.encoded(), header: header, like: template)
    }

    /// HPKE-seals any `plaintext` to Bob: a sender that does not even encode content properly.
    func sealPlaintextByHand(_ plaintext: [UInt8], header: [UInt8], like template: Envelope? = nil) throws -> Envelope {
        var envelope = try template ?? sealToBob()
        var hpke = try HPKE.Sender(
            recipientKey: bob.verified.kemPublicKey, ciphersuite: EnvelopeSeal.suite, info: Data(EnvelopeSeal.info))
        let ciphertext = try hpke.seal(plaintext, authenticating: header)
        envelope.sealed = Array(hpke.encapsulatedKey) + Array(ciphertext)
        return envelope
    }

    /// Content "hi" from Alice, correctly signed over `header`.
    func signedContent(header: [UInt8]) throws -> SealedContent {
        var content = SealedContent(
            contentType: .text, ackSecret: draft().ackSecret, hopLimit: 8, senderRecord: alice.record.encoded(),
            body: Array("hi".utf8))
        content.signature = try alice.identity.sign(content.signedBytes(fixedHeader: header))
        return content
    }

    /// The same fields, unpadded, with another version byte and signed as such: what an old or
    /// confused sender would send.
    func signedContent(header: [UInt8], version: UInt8) throws -> [UInt8] {
        var unsigned = try signedContent(header: header).unsignedBytes
        unsigned[0] = version
        let signature = try alice.identity.sign(SealedContent.signatureContext + header + unsigned)
        return unsigned + signature
    }
}
