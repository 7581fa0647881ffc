import Foundation

/// The node's view of `contacts.json`, reloaded only when the file changes (the CLI edits it
/// while the node runs), so a `send` does not re-read and re-verify every card.
final class ContactCache {
    private let dir: DataDirectory
    private var book: ContactBook?
    private var stamp: (seconds: Int, nanoseconds: Int, size: Int)?

    init(dir: DataDirectory) { self.dir = dir }

    func current() throws -> ContactBook {
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
