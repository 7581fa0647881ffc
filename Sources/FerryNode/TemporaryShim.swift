// TEMPORARY until h-store merges. Delete on merge.
import FerrySQLite
extension SQLiteMessageStore { func rollback() throws {} }
