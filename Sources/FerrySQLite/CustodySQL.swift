import FerryStore

// The statements of the custody and proof tables (schema v3), in one place so that a test can check
// that each read uses the index made for it (SQLiteMessageStoreTests, query plans). `delivered_at IS
// NULL` appears in every query over pending rows because the partial indexes require it verbatim.

enum CustodySQL {
    private static let columns = ColumnList.custody.sql
    /// `kind` of own messages, for statements that single them out.
    static let own = Int64(CustodyKind.own.rawValue)

    static let exists = "SELECT 1 FROM custody WHERE id = ? AND ack_hash = ?"
    static let insert = """
        INSERT INTO custody (seq, id, ack_hash, kind, destination, envelope, size, copies, hops_left, created_at,
                             expires_at, received_at, origin, delivered_at, delivered_path, delivered_hops)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let byKey = "SELECT \(columns) FROM custody WHERE id = ? AND ack_hash = ?"
    static let byID = "SELECT \(columns) FROM custody WHERE id = ? ORDER BY seq LIMIT ?"
    static let pendingForDestination = """
        SELECT \(columns) FROM custody
        WHERE destination = ? AND delivered_at IS NULL AND seq > ? AND expires_at > ?
        ORDER BY seq LIMIT ?
        """
    static let pending = """
        SELECT \(columns) FROM custody
        WHERE seq > ? AND delivered_at IS NULL AND expires_at > ?
        ORDER BY seq LIMIT ?
        """
    static let pendingOfKind = """
        SELECT \(columns) FROM custody WHERE kind = ? AND delivered_at IS NULL ORDER BY seq LIMIT ?
        """
    static let setCopies = "UPDATE custody SET copies = ? WHERE id = ? AND ack_hash = ?"
    static let kindIfPending = "SELECT kind FROM custody WHERE id = ? AND ack_hash = ? AND delivered_at IS NULL"
    static let kindOf = "SELECT kind FROM custody WHERE id = ? AND ack_hash = ?"
    static let markDelivered = """
        UPDATE custody SET delivered_at = ?, delivered_path = ?, delivered_hops = ?
        WHERE id = ? AND ack_hash = ? AND delivered_at IS NULL
        """
    static let delete = "DELETE FROM custody WHERE id = ? AND ack_hash = ?"
    static let usage = """
        SELECT COUNT(*), COALESCE(SUM(size), 0) FROM custody WHERE kind = ? AND delivered_at IS NULL
        """
    static let bytesByOrigin = """
        SELECT COALESCE(SUM(size), 0) FROM custody WHERE kind = ? AND origin = ? AND delivered_at IS NULL
        """
    static let bytesByDestination = """
        SELECT COALESCE(SUM(size), 0) FROM custody WHERE kind = ? AND destination = ? AND delivered_at IS NULL
        """
    static let evictionOrder = """
        SELECT \(columns) FROM custody WHERE kind = ? AND delivered_at IS NULL
        ORDER BY expires_at, copies, seq LIMIT ?
        """
    /// Unordered: with ORDER BY seq, SQLite walks the whole table in seq order rather than sort the
    /// few expired rows, so the caller sorts.
    static let expiredKeys = """
        SELECT \(ColumnList.custodyKey.sql) FROM custody WHERE delivered_at IS NULL AND expires_at <= ?
        """
    static let deleteExpired = "DELETE FROM custody WHERE delivered_at IS NULL AND expires_at <= ?"
    static let deleteDeliveredBefore = "DELETE FROM custody WHERE delivered_at IS NOT NULL AND delivered_at < ?"
    static let counts = """
        SELECT (SELECT COUNT(*) FROM custody WHERE kind = ? AND delivered_at IS NULL),
               (SELECT COUNT(*) FROM custody WHERE kind = ? AND delivered_at IS NOT NULL),
               (SELECT COUNT(*) FROM inbox),
               (SELECT COUNT(*) FROM custody WHERE kind = ? AND delivered_at IS NULL),
               (SELECT COALESCE(SUM(size), 0) FROM custody WHERE kind = ? AND delivered_at IS NULL),
               (SELECT COUNT(*) FROM proofs)
        """
}

enum ProofSQL {
    private static let columns = ColumnList.proofs.sql

    static let exists = "SELECT 1 FROM proofs WHERE id = ? AND ack_hash = ?"
    static let insert = """
        INSERT INTO proofs (id, ack_hash, seq, ack_secret, expires_at, hops, path) VALUES (?, ?, ?, ?, ?, ?, ?)
        """
    static let byKey = "SELECT \(columns) FROM proofs WHERE id = ? AND ack_hash = ?"
    static let afterSeq = "SELECT \(columns) FROM proofs WHERE seq > ? ORDER BY seq LIMIT ?"
    /// Unordered, as custody's: the caller sorts.
    static let expiredKeys = "SELECT \(ColumnList.proofKey.sql) FROM proofs WHERE expires_at <= ?"
    static let deleteExpired = "DELETE FROM proofs WHERE expires_at <= ?"
    static let count = "SELECT COUNT(*) FROM proofs"
    static let nearestExpiry = "SELECT \(ColumnList.proofKey.sql) FROM proofs ORDER BY expires_at, seq LIMIT ?"
    static let deleteNearestExpiry = """
        DELETE FROM proofs WHERE (id, ack_hash) IN (SELECT id, ack_hash FROM proofs ORDER BY expires_at, seq LIMIT ?)
        """
}
