import FerryWire

/// Errors an operator can cause or fix. Each description is one line that says what to do;
/// the CLI prints it and exits non-zero.
public enum NodeError: Error, CustomStringConvertible {
    case noIdentity(dataDir: String)
    case identityExists(dataDir: String)
    case keyFileTooOpen(path: String, mode: String)
    case unreadableIdentity(path: String, reason: String)
    case dataDirInUse(dataDir: String, pid: String)
    case listenInUse(endpoint: String)
    case listenFailed(endpoint: String, reason: String)
    case badEndpoint(String)
    case unknownContact(String)
    case badCard(String)
    case contactExists(String)
    case badContactName(String)
    case messageTooLong(bytes: Int, max: Int)
    case dataDirTooOpen(dataDir: String, mode: String)
    case dataDirNotADirectory(dataDir: String)
    case fileIsSymlink(path: String)
    case notRegularFile(path: String)
    case ownCard
    case noSuchContact(String)
    case ambiguousAddress(prefix: String, matches: Int)
    case unknownAddressPrefix(String)
    case ownAddress(String)
    case identityExpired(who: String, expired: String)
    case io(String)

    public var description: String {
        switch self {
        case .noIdentity(let dir):
            return "no identity in \(dir); create one with: ferry init --data \(dir)"
        case .identityExists(let dir):
            return "\(dir) already holds an identity; use another --data directory or keep this one"
        case .keyFileTooOpen(let path, let mode):
            return "identity key \(path) is readable by others (mode \(mode)); fix it with: chmod 600 \(path)"
        case .unreadableIdentity(let path, let reason):
            return "cannot read identity \(path): \(reason); restore it from a backup or run ferry init in a new --data directory"
        case .dataDirInUse(let dir, let pid):
            return "another ferry node (pid \(pid)) is running on \(dir); stop it first or use another --data directory"
        case .listenInUse(let endpoint):
            return "listen address \(endpoint) is already in use; pick another port with --listen HOST:PORT"
        case .listenFailed(let endpoint, let reason):
            return "cannot listen on \(endpoint): \(reason); check --listen HOST:PORT"
        case .badEndpoint(let text):
            return "'\(text)' is not HOST:PORT (for example 127.0.0.1:7000)"
        case .unknownContact(let name) where Address(text: name.lowercased()) != nil:
            return "address \(name) is not known yet: it becomes sendable once its announce reaches this node (see ferry directory), or add its card with: ferry contacts add NAME CARD"
        case .unknownContact(let name):
            return "unknown recipient '\(name)'; add it with: ferry contacts add \(name) CARD (or give a contact's address, or a unique start of it of 8 or more hex characters, or the full 32-character address of a peer met before)"
        case .badCard(let reason):
            return "that contact card is not valid (\(reason)); copy the whole line that ferry id --card prints"
        case .contactExists(let name):
            return "a contact named '\(name)' already exists with another card; pick another name, or replace it: ferry contacts remove \(name), then add it again"
        case .badContactName(let name):
            return "'\(name)' is not a usable contact name; use letters, digits, '-', '_' or '.' (at most 64)"
        case .messageTooLong(let bytes, let max):
            return "message is \(bytes) bytes, the limit is \(max); send it in parts"
        case .dataDirTooOpen(let dir, let mode):
            return "data directory \(dir) is open to other users (mode \(mode)); fix it with: chmod 700 \(dir)"
        case .dataDirNotADirectory(let dir):
            return "\(dir) is not a directory; give a directory with --data DIR"
        case .fileIsSymlink(let path):
            return "\(path) is a symbolic link; ferry reads only the file itself there: move the real file into its place"
        case .notRegularFile(let path):
            return "\(path) is not a regular file; restore the file from a backup, or run ferry init in a new --data directory"
        case .ownCard:
            return "that is this node's own card; add the card another node's ferry id --card printed"
        case .noSuchContact(let name):
            return "no contact named '\(name)'; ferry contacts list shows the names"
        case .ambiguousAddress(let prefix, let matches):
            return "address prefix \(prefix) is ambiguous: \(matches) contacts' addresses start with it; give more characters or the contact's name"
        case .unknownAddressPrefix(let prefix):
            return "no contact's address starts with \(prefix); prefixes match contacts only: give the full 32-character address, or add the contact with: ferry contacts add NAME CARD"
        case .ownAddress(let text):
            return "'\(text)' is this node itself; send to another node's contact or address"
        case .identityExpired(let who, let expired):
            return "the identity record of \(who) expired on \(expired); ask them for a new card (ferry id --card) and add it again"
        case .io(let what):
            return what
        }
    }
}
