import Foundation

/// The node's view of `contacts.json`, reloaded only when the file changes (the CLI edits it
/// while the node runs), so a `send` does not re-read and re-verify every card.
final class ContactCache {
    private let dir: DataDirectory
    private var book: ContactBook?
    private var stamp: (seconds: Int, nanoseconds: Int, size: Int)?
    private var checkedAt: UInt64 = 0

    /// How stale a `recent()` answer may be: the hot paths (link admission, every log line) ask
    /// often, and a coordinator with thousands of links must not stat the file each time.
    static let recentNanosecondsMax: UInt64 = 1_000_000_000

    init(dir: DataDirectory) { self.dir = dir }

    /// The book as of at most a second ago; `current()` when that is too old.
    func recent() throws -> ContactBook {
        let now = DispatchTime.now().uptimeNanoseconds
        if let book, now &- checkedAt < Self.recentNanosecondsMax { return book }
        return try current()
    }

    /// The book as the file is now (a `send` right after `contacts add` must see the new contact).
    func current() throws -> ContactBook {
        checkedAt = DispatchTime.now().uptimeNanoseconds
        var info = stat()
        let now: (Int, Int, Int)? =
            stat(dir.contactsPath, &info) == 0
            ? (Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec), Int(info.st_size)) : nil
        if let book, now?.0 == stamp?.seconds, now?.1 == stamp?.nanoseconds, now?.2 == stamp?.size { return book }
        let fresh = try ContactBook.load(dir)
        book = fresh
        stamp = now.map { (seconds: $0.0, nanoseconds: $0.1, size: $0.2) }
        return fresh
    }
}
