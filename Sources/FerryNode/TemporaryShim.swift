// TEMPORARY until h-store and h-tls merge. Delete on merge.
import FerrySQLite
import FerryTLS
import FerryWire
extension SQLiteMessageStore { func rollback() throws {} }
extension TLSContext { func makeEngine(role: TLSRole, expectedPeerAddress: [UInt8]?) throws -> OpenSSLEngine { try makeEngine(role: role) } }
