import GRDB

// Every query of the store runs through a statement prepared once per connection and kept in GRDB's
// statement cache. Preparing the SQL on each call (parsing, GRDB's authorizer and region tracking)
// was about a fifth of a node's CPU under load (docs/BENCHMARKS.md). Only fixed SQL goes through
// here: schema migrations and PRAGMAs with values in their text are prepared as before.

extension Database {
    func executeCached(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension Row {
    static func fetchAllCached(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchOneCached(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension Bool {
    static func fetchOneCached(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> Bool? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}
