/// Errors only the SQLite store can report. SQLite's own errors pass through as GRDB's
/// `DatabaseError`, except a full disk (`StoreError.diskFull`); a file that is not a database, or a
/// row that does not decode, is `StoreError.corrupt`.
public enum SQLiteStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// SQLite refused write-ahead logging for the file (for example on a file system without shared
    /// memory support); the store will not run in another journal mode.
    case walUnavailable(path: String, journalMode: String)
    /// The file was migrated by a newer Ferry: it holds schema migrations this build does not know.
    case newerSchema(path: String)
    /// SQLite rolled back the open group transaction on its own (it does so after some disk errors,
    /// such as a full disk), so writes made since the last `commit()` are gone. Nothing of that group
    /// may be acknowledged; the caller must treat those writes as never having happened.
    case uncommittedWritesLost
    /// The store was used after `close()`.
    case closed
    /// The database file does not exist and could not be created.
    case cannotCreate(path: String, reason: String)
    /// One of the store's files could not be made readable by this user only (mode 0600).
    case cannotRestrict(path: String, reason: String)

    public var description: String {
        switch self {
        case .walUnavailable(let path, let mode):
            return "cannot use write-ahead logging for \(path) (journal mode stays \(mode))"
        case .newerSchema(let path):
            return "\(path) was written by a newer version of ferry; upgrade ferry to open it"
        case .uncommittedWritesLost:
            return "SQLite rolled back the uncommitted writes after an error; they must not be acknowledged"
        case .closed:
            return "the message store is closed"
        case .cannotCreate(let path, let reason):
            return "cannot create \(path): \(reason); check that its directory exists and is writable"
        case .cannotRestrict(let path, let reason):
            return "cannot make \(path) private (mode 0600): \(reason); it must belong to the user running ferry"
        }
    }
}
