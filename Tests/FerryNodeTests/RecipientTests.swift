import FerryCrypto
@testable import FerryNode
import FerryWire
import Foundation
import XCTest

/// How `send`'s recipient is found: names, addresses, unique prefixes; never self, never expired.
final class RecipientTests: XCTestCase {
    var root: String!
    let now = Timestamp(milliseconds: 1_800_000_000_000)

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "ferry-recipient-tests-\(UUID().uuidString)"
        XCTAssertEqual(mkdir(root, 0o700), 0)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    func identity(_ name: String, created: Timestamp? = nil) throws -> VerifiedIdentity {
        try VerifiedIdentity(record: IdentityFiles.create(in: DataDirectory(path: root + "/" + name), now: created ?? now).1, now: nil)
    }

    func address(_ hex: String) -> Address {
        Address(text: hex.padding(toLength: 32, withPad: "0", startingAt: 0))!
    }

    func testPrefixFormIsEightToThirtyOneHexCharacters() {
        XCTAssertNil(AddressPrefix("abcdef1"))
        XCTAssertEqual(AddressPrefix("ABCDEF12")?.text, "abcdef12")
        XCTAssertNil(AddressPrefix("abcdefgh"), "not hex")
        XCTAssertNotNil(AddressPrefix(String(repeating: "a", count: 31)))
        XCTAssertNil(AddressPrefix(String(repeating: "a", count: 32)), "a full address is not a prefix")
    }

    func testPrefixSelectsTheOneAddressOrSaysItIsAmbiguous() throws {
        let first = address("abcdef1200"), second = address("abcdef1299"), other = address("12345678")
        let candidates = [first, second, other, first]
        XCTAssertEqual(try AddressPrefix("12345678")!.select(from: candidates), other)
        XCTAssertEqual(try AddressPrefix("abcdef1299")!.select(from: candidates), second)
        XCTAssertNil(try AddressPrefix("ffffffff")!.select(from: candidates))
        XCTAssertThrowsError(try AddressPrefix("abcdef12")!.select(from: candidates)) { error in
            XCTAssertTrue("\(error)".contains("ambiguous"), "\(error)")
            XCTAssertTrue("\(error)".contains("2 contacts"), "duplicates count once: \(error)")
        }
    }

    /// Contacts: a pasted card with line breaks, the same card again, the node's own card, remove.
    func testContactBookCleansCardsIsIdempotentRefusesOwnCardAndRemoves() throws {
        let dir = DataDirectory(path: root + "/alice")
        let own = try identity("alice")
        let bob = try identity("bob")
        let card = ContactCard.encode(bob.record)
        let split = card.index(card.startIndex, offsetBy: 40)
        var book = try ContactBook.load(dir)

        let added = try book.add(name: "bob", card: " " + card[..<split] + "\r\n\t" + card[split...] + "\n", now: now)
        XCTAssertTrue(added.isNew)
        XCTAssertEqual(book.cards["bob"], card)
        XCTAssertFalse(try book.add(name: "bob", card: card, now: now).isNew)
        XCTAssertThrowsError(try book.add(name: "me", card: ContactCard.encode(own.record), now: now, own: own.address)) { error in
            XCTAssertTrue("\(error)".contains("this node's own card"), "\(error)")
        }
        XCTAssertEqual(try XCTUnwrap(try book.resolve(String(added.identity.address.text.prefix(8)))).address, added.identity.address)

        try book.remove(name: "bob")
        XCTAssertEqual(try ContactBook.load(dir).cards, [:])
        XCTAssertThrowsError(try book.remove(name: "bob")) { error in
            XCTAssertTrue("\(error)".contains("no contact named 'bob'"), "\(error)")
        }
    }

    func testResolverUsesContactsByPrefixAndStoredIdentitiesByFullAddressOnly() throws {
        let dir = DataDirectory(path: root + "/alice")
        let own = try identity("alice")
        let bob = try identity("bob")
        let carol = try identity("carol")
        let carolAddress = carol.address
        var book = try ContactBook.load(dir)
        let bobAddress = try book.add(name: "bob", card: ContactCard.encode(bob.record), now: now).identity.address
        let stored = { (address: Address) -> [UInt8]? in address == carolAddress ? carol.record.encoded() : nil }
        func resolve(_ text: String) throws -> Address {
            try RecipientResolver.resolve(text, contacts: book, own: own.address, now: now, storedRecord: stored).address
        }

        XCTAssertEqual(try resolve("bob"), bobAddress)
        XCTAssertEqual(try resolve(String(bobAddress.text.prefix(8)).uppercased()), bobAddress)
        XCTAssertEqual(try resolve(carolAddress.text), carolAddress, "a stored identity by its full address")
        XCTAssertThrowsError(try resolve(String(carolAddress.text.prefix(12)))) { error in
            XCTAssertTrue("\(error)".contains("prefixes match contacts only"), "\(error)")
        }
        XCTAssertThrowsError(try resolve("dave")) { error in
            XCTAssertTrue("\(error)".contains("ferry contacts add dave"), "\(error)")
        }
    }

    /// A record past its expiry is refused with the date and what to do; so is this node itself.
    func testResolverRefusesExpiredRecordsAndThisNode() throws {
        let dir = DataDirectory(path: root + "/alice")
        let own = try identity("alice")
        let lifetime = IdentityFiles.recordLifetimeMilliseconds
        let old = try identity("old", created: Timestamp(milliseconds: now.milliseconds - lifetime - 1000))
        var book = try ContactBook.load(dir)
        // Added while it was still valid; `send` comes after it expired.
        let oldAddress = try book.add(name: "old", card: ContactCard.encode(old.record), now: old.record.created).identity.address
        try book.add(name: "me-by-hand", card: ContactCard.encode(own.record), now: now)

        XCTAssertThrowsError(
            try RecipientResolver.resolve("old", contacts: book, own: own.address, now: now, storedRecord: { _ in nil })
        ) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("the identity record of old (\(oldAddress)) expired on 2027-01-15T07:59:59"), text)
            XCTAssertTrue(text.contains("ask them for a new card"), text)
        }
        XCTAssertThrowsError(
            try RecipientResolver.resolve("me-by-hand", contacts: book, own: own.address, now: now, storedRecord: { _ in nil })
        ) { error in
            XCTAssertTrue("\(error)".contains("is this node itself"), "\(error)")
        }
    }
}
