import Crypto
import XCTest
@testable import FerryCrypto
import FerryWire

/// Node identities, identity records, contact cards and addresses.
final class IdentityTests: XCTestCase {
    static let created = Timestamp(milliseconds: 1_700_000_000_000)
    static let expires = created.adding(milliseconds: 30 * 24 * 3600 * 1000)

    /// RFC 8032 §7.1 test 1: Ed25519 secret key and its public key, followed by a fixed X-Wing seed.
    static let rfc8032Seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    static let rfc8032PublicKey = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    static let fixedSecret = rfc8032Seed + Array(0x20...0x3f as ClosedRange<UInt8>)

    // MARK: - Addresses

    func testAddressIsFirst16BytesOfSHA256OfSigningKey() {
        let key = Array(0x00...0x1f as ClosedRange<UInt8>)
        let digest = Array(SHA256.hash(data: key))
        XCTAssertEqual(Digests.address(signingKey: key).bytes, Array(digest.prefix(16)))
        // sha256(00 01 … 1f), computed independently (Python hashlib).
        XCTAssertEqual(Hex.encode(digest), "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd")
        XCTAssertEqual(Digests.address(signingKey: key).text, "630dcd2966c4336691125448bbb25b4f")
    }

    func testAddressOfRFC8032Key() throws {
        let identity = try NodeIdentity(secret: Self.fixedSecret)
        XCTAssertEqual(identity.signingPublicKey, Self.rfc8032PublicKey)
        XCTAssertEqual(identity.signingSeed, Self.rfc8032Seed)
        XCTAssertEqual(identity.address.text, "21fe31dfa154a261626bf854046fd227")
        XCTAssertEqual(
            identity.address.bytes, Array(SHA256.hash(data: Self.rfc8032PublicKey)).prefix(16).map { $0 })
    }

    func testGeneratedIdentityAddressCommitsToItsKey() throws {
        let identity = try NodeIdentity.generate()
        XCTAssertEqual(identity.address.bytes, Array(Array(SHA256.hash(data: identity.signingPublicKey)).prefix(16)))
        XCTAssertNotEqual(try NodeIdentity.generate().address, identity.address)
    }

    // MARK: - Secrets

    func testSecretRoundTrip() throws {
        let identity = try NodeIdentity.generate()
        XCTAssertEqual(identity.secret.count, NodeIdentity.secretByteCount)
        XCTAssertEqual(NodeIdentity.secretByteCount, 64)
        let restored = try NodeIdentity(secret: identity.secret)
        XCTAssertEqual(restored.address, identity.address)
        XCTAssertEqual(restored.signingPublicKey, identity.signingPublicKey)
        XCTAssertEqual(restored.secret, identity.secret)
        let original = try identity.record(created: Self.created, expires: Self.expires)
        let again = try restored.record(created: Self.created, expires: Self.expires)
        XCTAssertEqual(again.kemKey, original.kemKey)
        XCTAssertEqual(again.signingKey, original.signingKey)
    }

    func testFixedSecretGivesFixedKEMKey() throws {
        // X-Wing keys are derived from their 32-byte seed, so a restored node keeps its KEM key.
        let one = try NodeIdentity(secret: Self.fixedSecret).record(created: Self.created, expires: Self.expires)
        let two = try NodeIdentity(secret: Self.fixedSecret).record(created: Self.created, expires: Self.expires)
        XCTAssertEqual(one.kemKey, two.kemKey)
        XCTAssertEqual(one.kemKey.count, 1216)
    }

    func testSecretOfWrongLengthIsRejected() {
        for count in [0, 32, 63, 65, 128] {
            XCTAssertThrowsError(try NodeIdentity(secret: Array(repeating: 1, count: count))) { error in
                XCTAssertEqual(
                    error as? FerryCrypto.CryptoError, .badKey("identity secret is \(count) bytes, expected 64"))
            }
        }
    }

    // MARK: - Records

    func testRecordVerifies() throws {
        let identity = try NodeIdentity.generate()
        let record = try identity.record(created: Self.created, expires: Self.expires)
        XCTAssertEqual(record.signingKey, identity.signingPublicKey)
        XCTAssertEqual(record.signature.count, 64)
        let verified = try VerifiedIdentity(record: record, now: Self.created)
        XCTAssertEqual(verified.address, identity.address)
        XCTAssertEqual(verified.record, record)
        let decoded = try VerifiedIdentity(encoded: record.encoded(), now: nil)
        XCTAssertEqual(decoded.address, identity.address)
        XCTAssertLessThanOrEqual(record.encoded().count, WireLimits.identityRecordBytesMax)
    }

    func testEveryFlippedByteOfARecordIsRejected() throws {
        let record = try NodeIdentity(secret: Self.fixedSecret).record(created: Self.created, expires: Self.expires)
        let bytes = record.encoded()
        XCTAssertEqual(bytes.count, 1 + 32 + 2 + 1216 + 8 + 8 + 64)
        for index in bytes.indices {
            var tampered = bytes
            tampered[index] ^= 0x01
            XCTAssertThrowsError(try VerifiedIdentity(encoded: tampered, now: nil), "byte \(index)")
        }
        // The top bit of the signature's last byte (s must be below the group order).
        var tampered = bytes
        tampered[bytes.count - 1] ^= 0x80
        XCTAssertThrowsError(try VerifiedIdentity(encoded: tampered, now: nil))
    }

    func testRecordSignedByAnotherKeyIsRejected() throws {
        let mine = try NodeIdentity.generate().record(created: Self.created, expires: Self.expires)
        let other = try NodeIdentity.generate().record(created: Self.created, expires: Self.expires)
        var forged = mine
        forged.signingKey = other.signingKey
        XCTAssertThrowsError(try VerifiedIdentity(record: forged, now: nil)) { error in
            XCTAssertEqual(error as? FerryCrypto.CryptoError, .badSignature("identity record"))
        }
        // The KEM key of another node cannot be swapped in either.
        var swapped = mine
        swapped.kemKey = other.kemKey
        XCTAssertThrowsError(try VerifiedIdentity(record: swapped, now: nil))
    }

    func testRecordWithGarbageKeysIsRejected() throws {
        let identity = try NodeIdentity.generate()
        var record = try identity.record(created: Self.created, expires: Self.expires)
        // A correctly signed record whose KEM key is not an X-Wing key.
        record.kemKey = Array(repeating: 7, count: 100)
        record.signature = try identity.sign(record.signedBytes)
        XCTAssertThrowsError(try VerifiedIdentity(record: record, now: nil)) { error in
            XCTAssertEqual(error as? FerryCrypto.CryptoError, .badKey("identity record X-Wing key"))
        }
        // Right length, but ML-KEM coefficients of 0xfff are above the modulus q = 3329. swift-crypto
        // 4.5.2 parses such a key without FIPS 203's modulus check, so the record verifies; what
        // matters here is that sealing to it neither traps nor produces something that opens.
        record.kemKey = Array(repeating: 0xff, count: 1216)
        record.signature = try identity.sign(record.signedBytes)
        if let odd = try? VerifiedIdentity(record: record, now: nil) {
            let draft = EnvelopeSeal.Draft(
                id: try MessageID(bytes: Array(repeating: 1, count: 16)), created: Self.created, expires: Self.expires,
                contentType: .text, body: [1], ackSecret: Array(repeating: 2, count: 32))
            if let envelope = try? EnvelopeSeal.seal(draft, to: odd, from: identity, senderRecord: record) {
                XCTAssertThrowsError(try EnvelopeSeal.open(envelope, as: identity))
            }
        }
        // A signing key that is not a valid Ed25519 point is refused before anything else.
        record.signingKey = Array(repeating: 0xff, count: 32)
        XCTAssertThrowsError(try VerifiedIdentity(record: record, now: nil))
        record.signingKey = [1, 2, 3]
        XCTAssertThrowsError(try VerifiedIdentity(record: record, now: nil)) { error in
            XCTAssertEqual(error as? FerryCrypto.CryptoError, .badKey("identity record signing key"))
        }
    }

    func testExpiredRecordIsRejectedWhenNowIsGiven() throws {
        let record = try NodeIdentity.generate().record(created: Self.created, expires: Self.expires)
        XCTAssertNoThrow(try VerifiedIdentity(record: record, now: Timestamp(milliseconds: Self.expires.milliseconds - 1)))
        XCTAssertThrowsError(try VerifiedIdentity(record: record, now: Self.expires)) { error in
            XCTAssertEqual(error as? FerryCrypto.CryptoError, .expired("identity record"))
        }
        XCTAssertThrowsError(try VerifiedIdentity(record: record, now: Timestamp(milliseconds: .max)))
        // Without a clock (e.g. the sender record inside a message) expiry is not checked.
        XCTAssertNoThrow(try VerifiedIdentity(record: record, now: nil))
    }

    func testHelloWithARealRecord() throws {
        // docs/PROTOCOL.md §Link frames: a real record is 1331 bytes, so a hello is 1343 + 4 bytes.
        let record = try NodeIdentity(secret: Self.fixedSecret).record(created: Self.created, expires: Self.expires)
        let frame = Frame.hello(Hello(record: record.encoded(), listenPort: 7411, flags: Hello.flagCoordinator, capabilities: [.relay, .sync]))
        let bytes = frame.encoded()
        XCTAssertEqual(Hex.encode(bytes.prefix(9)), "0000053f" + "01" + "0002" + "0533")
        XCTAssertEqual(Hex.encode(bytes.suffix(7)), "1cf3" + "01" + "00000003")
        XCTAssertEqual(bytes.count, 4 + 1343)
        var decoder = FrameDecoder()
        XCTAssertEqual(try decoder.push(bytes), [frame])
    }

    // MARK: - Contact cards

    func testContactCardRoundTrip() throws {
        let identity = try NodeIdentity.generate()
        let record = try identity.record(created: Self.created, expires: Self.expires)
        let card = ContactCard.encode(record)
        XCTAssertTrue(card.hasPrefix("ferry1:"))
        let verified = try VerifiedIdentity(card: card, now: Self.created)
        XCTAssertEqual(verified.address, identity.address)
        XCTAssertEqual(verified.record, record)
        XCTAssertEqual(try VerifiedIdentity(card: "\t" + card + "\r\n", now: nil).address, identity.address)
    }

    func testTruncatedCardGivesAClearError() throws {
        let card = ContactCard.encode(try NodeIdentity.generate().record(created: Self.created, expires: Self.expires))
        for cut in [1, 2, 3, 10, 100, card.count - 8] {
            XCTAssertThrowsError(try VerifiedIdentity(card: String(card.dropLast(cut)), now: nil)) { error in
                guard case .malformed(let what)? = error as? FerryCrypto.CryptoError else {
                    return XCTFail("cut \(cut): \(error)")
                }
                XCTAssertTrue(what.hasPrefix("contact card: "), what)
                XCTAssertTrue(
                    what.contains("truncated") || what.contains("base64url"), "cut \(cut): \(what)")
            }
        }
    }

    func testGarbledCardGivesAClearError() throws {
        let card = ContactCard.encode(try NodeIdentity.generate().record(created: Self.created, expires: Self.expires))
        XCTAssertThrowsError(try VerifiedIdentity(card: "ferry:" + card.dropFirst(7), now: nil)) { error in
            XCTAssertEqual("\(error)", "malformed contact card: invalid contact card: it must start with ferry1:")
        }
        var chars = Array(card)
        chars[40] = "*"
        XCTAssertThrowsError(try VerifiedIdentity(card: String(chars), now: nil)) { error in
            XCTAssertEqual(
                "\(error)",
                "malformed contact card: invalid contact card: not valid base64url (was it cut when copied?)")
        }
        // A valid base64url character changed: the bytes decode but the signature fails.
        chars = Array(card)
        chars[200] = chars[200] == "A" ? "B" : "A"
        XCTAssertThrowsError(try VerifiedIdentity(card: String(chars), now: nil)) { error in
            XCTAssertEqual(error as? FerryCrypto.CryptoError, .badSignature("identity record"))
        }
    }
}

func hex(_ text: String) -> [UInt8] {
    guard let bytes = Hex.decode(text) else { fatalError("bad hex literal in test") }
    return bytes
}

final class IdentityCacheTests: XCTestCase {
    func testVerifiesOnceAndRefusesABadRecord() throws {
        let identity = try NodeIdentity.generate()
        let record = try identity.record(created: Timestamp(milliseconds: 1), expires: Timestamp(milliseconds: 2))
        let cache = IdentityCache()
        XCTAssertEqual(try cache.identity(encoded: record.encoded()).address, identity.address)
        XCTAssertEqual(try cache.identity(encoded: record.encoded()).address, identity.address)
        XCTAssertEqual(cache.count, 1)
        var forged = record.encoded()
        forged[forged.count - 1] ^= 1
        XCTAssertThrowsError(try cache.identity(encoded: forged))
        XCTAssertEqual(cache.count, 1, "a record that does not verify is not kept")
    }
}
