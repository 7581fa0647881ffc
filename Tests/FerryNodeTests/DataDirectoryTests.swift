import FerryCrypto
import FerryNode
import FerryWire
import Foundation
import XCTest

final class DataDirectoryTests: XCTestCase {
    var root: String!

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "ferry-node-tests-\(UUID().uuidString)"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    let now = Timestamp(milliseconds: 1_800_000_000_000)

    func testInitCreatesPrivateKeyAndLoadsBack() throws {
        let dir = DataDirectory(path: root)
        let (identity, record) = try IdentityFiles.create(in: dir, now: now)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.identityKeyPath)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let (loaded, loadedRecord) = try IdentityFiles.load(from: dir)
        XCTAssertEqual(loaded.address, identity.address)
        XCTAssertEqual(loadedRecord, record)
        XCTAssertThrowsError(try IdentityFiles.create(in: dir, now: now)) { error in
            XCTAssertTrue("\(error)".contains("already holds an identity"))
        }
    }

    func testKeyReadableByOthersIsRefusedWithTheFix() throws {
        let dir = DataDirectory(path: root)
        _ = try IdentityFiles.create(in: dir, now: now)
        chmod(dir.identityKeyPath, 0o644)
        XCTAssertThrowsError(try IdentityFiles.load(from: dir)) { error in
            XCTAssertTrue("\(error)".contains("chmod 600 \(dir.identityKeyPath)"), "\(error)")
        }
    }

    func testMissingAndTruncatedIdentitySayWhatToDo() throws {
        let dir = DataDirectory(path: root)
        XCTAssertThrowsError(try IdentityFiles.load(from: dir)) { error in
            XCTAssertTrue("\(error)".contains("ferry init"), "\(error)")
        }
        _ = try IdentityFiles.create(in: dir, now: now)
        let fd = open(dir.identityKeyPath, O_WRONLY | O_TRUNC)
        close(fd)
        XCTAssertThrowsError(try IdentityFiles.load(from: dir)) { error in
            XCTAssertTrue("\(error)".contains("cannot read identity"), "\(error)")
        }
    }

    func testSecondLockOnADataDirIsRefusedAndReleasedOnDrop() throws {
        let dir = DataDirectory(path: root)
        try dir.create()
        var first: NodeLock? = try NodeLock(dir)
        XCTAssertThrowsError(try NodeLock(dir)) { error in
            XCTAssertTrue("\(error)".contains("pid \(getpid())"), "\(error)")
        }
        XCTAssertNotNil(first)
        first = nil
        XCTAssertNoThrow(try NodeLock(dir))
    }

    func testContactBookAddsResolvesAndRejects() throws {
        let dir = DataDirectory(path: root)
        let (_, bobRecord) = try IdentityFiles.create(in: DataDirectory(path: root + "/bob"), now: now)
        try dir.create()
        var book = try ContactBook.load(dir)
        let card = ContactCard.encode(bobRecord)
        let bob = try book.add(name: "bob", card: card, now: now).identity
        let reloaded = try ContactBook.load(dir)
        XCTAssertEqual(try reloaded.resolve("bob")?.address, bob.address)
        XCTAssertEqual(try reloaded.resolve(bob.address.text)?.address, bob.address)
        XCTAssertEqual(reloaded.name(for: bob.address), "bob")
        XCTAssertNil(try reloaded.resolve("alice"))
        let (_, carolRecord) = try IdentityFiles.create(in: DataDirectory(path: root + "/carol"), now: now)
        XCTAssertThrowsError(try book.add(name: "bob", card: ContactCard.encode(carolRecord), now: now)) { error in
            XCTAssertTrue("\(error)".contains("ferry contacts remove bob"), "\(error)")
        }
        XCTAssertThrowsError(try book.add(name: "has space", card: card, now: now))
        XCTAssertThrowsError(try book.add(name: "carol", card: String(card.dropLast(10)), now: now)) { error in
            XCTAssertTrue("\(error)".contains("ferry id --card"), "\(error)")
        }
    }
}
