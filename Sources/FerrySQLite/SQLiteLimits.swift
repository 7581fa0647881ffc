/// Every limit of the SQLite store, in one place (STYLE.md: unit last in the name).
enum SQLiteLimits {
    /// How long a statement waits for a lock held by another connection to the same file (a second
    /// process, or `ferry` tooling reading the database) before it fails with `SQLITE_BUSY`. The node
    /// holds the only writer connection, so waiting at all is rare; five seconds rides out a checkpoint
    /// or a reader without stalling the loop for long.
    static let busyTimeoutSeconds: Double = 5
    /// How much of SQLite's description of a damaged file goes into the one-line error; the rest
    /// (`PRAGMA quick_check` can list a hundred problems) only matters to someone repairing it by hand.
    static let damageDetailCharactersMax = 200
}
