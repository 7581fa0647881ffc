import FerryCrypto
import FerryNode
import FerryWire
import Foundation
import XCTest

/// The data directory and the files in it cannot be read, swapped or redirected by other local users.
final class LocalFilesTests: XCTestCase {
    var root: String!
    let now = Timestamp(milliseconds: 1_800_000_000_000)

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "ferry-files-tests-\(UUID().uuidString)"
        XCTAssertEqual(mkdir(root, 0o700), 0)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0, path)
        return info.st_mode & 0o7777
    }

    /// New directories are 0700 even under a umask that would leave them open.
    func testNewDataDirectoryIsPrivate() throws {
        let dir = DataDirectory(path: root + "/new/data")
        let previous = umask(0)
        defer { umask(previous) }
        try dir.create()
        XCTAssertEqual(mode(dir.path), 0o700)
    }

    func testExistingDataDirectoryOpenToOthersIsRefusedWithTheFix() throws {
        let dir = DataDirectory(path: root + "/open")
        XCTAssertEqual(mkdir(dir.path, 0o700), 0)
        XCTAssertEqual(chmod(dir.path, 0o750), 0)
        let fix = "chmod 700 \(dir.path)"
        XCTAssertThrowsError(try dir.create()) { XCTAssertTrue("\($0)".contains(fix), "\($0)") }
        XCTAssertThrowsError(try IdentityFiles.create(in: dir, now: now)) { XCTAssertTrue("\($0)".contains(fix), "\($0)") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.identityKeyPath), "nothing written into it")
        XCTAssertThrowsError(try ContactBook.load(dir)) { XCTAssertTrue("\($0)".contains(fix), "\($0)") }

        XCTAssertEqual(chmod(dir.path, 0o700), 0)
        _ = try IdentityFiles.create(in: dir, now: now)
        XCTAssertEqual(chmod(dir.path, 0o701), 0)
        XCTAssertThrowsError(try IdentityFiles.load(from: dir)) { XCTAssertTrue("\($0)".contains(fix), "\($0)") }
    }

    /// A symlink planted where the writer puts its temporary file is removed, not written through.
    func testStaleTemporaryFileOrSymlinkIsNotFollowed() throws {
        let dir = DataDirectory(path: root + "/data")
        _ = try IdentityFiles.create(in: DataDirectory(path: root + "/bob"), now: now)
        let bobCard = ContactCard.encode(try IdentityFiles.load(from: DataDirectory(path: root + "/bob")).1)
        try dir.create()
        let victim = root + "/victim"
        try Data("victim".utf8).write(to: URL(fileURLWithPath: victim))
        XCTAssertEqual(symlink(victim, dir.contactsPath + ".tmp"), 0)
        XCTAssertEqual(symlink(victim, dir.identityKeyPath + ".tmp"), 0)

        var book = try ContactBook.load(dir)
        _ = try book.add(name: "bob", card: bobCard, now: now)
        _ = try IdentityFiles.create(in: dir, now: now)

        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "victim")
        XCTAssertEqual(try ContactBook.load(dir).entries().map { $0.name }, ["bob"])
        XCTAssertEqual(mode(dir.identityKeyPath), 0o600)
        XCTAssertEqual(mode(dir.contactsPath) & 0o077, 0, "contacts stay private")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.identityKeyPath + ".tmp"))
    }

    /// `identity.key` must be the regular file itself: a symlink (even to a 0600 key) or a
    /// directory is refused.
    func testKeyThatIsASymlinkOrNotARegularFileIsRefused() throws {
        let dir = DataDirectory(path: root + "/data")
        _ = try IdentityFiles.create(in: dir, now: now)
        let elsewhere = root + "/key-elsewhere"
        XCTAssertEqual(rename(dir.identityKeyPath, elsewhere), 0)
        XCTAssertEqual(symlink(elsewhere, dir.identityKeyPath), 0)
        XCTAssertThrowsError(try IdentityFiles.load(from: dir)) { error in
            XCTAssertTrue("\(error)".contains("symbolic link"), "\(error)")
        }
        XCTAssertEqual(unlink(dir.identityKeyPath), 0)
        XCTAssertEqual(mkdir(dir.identityKeyPath, 0o700), 0)
        XCTAssertThrowsError(try IdentityFiles.load(from: dir)) { error in
            XCTAssertTrue("\(error)".contains("not a regular file"), "\(error)")
        }
    }
}

extension LocalFilesTests {
    func testDemoDirectoryIsFreshAndPrivate() throws {
        let first = try PrivateFiles.makeTemporaryDirectory(prefix: "ferry-files-test-")
        let second = try PrivateFiles.makeTemporaryDirectory(prefix: "ferry-files-test-")
        defer { for path in [first, second] { rmdir(path) } }
        XCTAssertNotEqual(first, second)
        XCTAssertEqual(mode(first), 0o700)
        XCTAssertEqual(mode(second), 0o700)
    }

    /// `run.args` round-trips, is private, and anything else in its place means no hint.
    func testRunArgumentsRoundTripPrivatelyAndGarbageGivesNoHint() throws {
        let dir = DataDirectory(path: root + "/data")
        try dir.create()
        XCTAssertNil(RunArguments.load(from: dir))
        let arguments = ["--data", dir.path, "--listen", "127.0.0.1:0", "--peer", "127.0.0.1:7001"]
        try RunArguments.save(arguments, in: dir)
        XCTAssertEqual(RunArguments.load(from: dir), arguments)
        XCTAssertEqual(mode(dir.runArgumentsPath), 0o600)

        try Data("{\"not\": \"an array\"}".utf8).write(to: URL(fileURLWithPath: dir.runArgumentsPath))
        XCTAssertNil(RunArguments.load(from: dir))
        try Data(repeating: UInt8(ascii: " "), count: RunArguments.fileBytesMax + 1).write(to: URL(fileURLWithPath: dir.runArgumentsPath))
        XCTAssertNil(RunArguments.load(from: dir))
    }
}
