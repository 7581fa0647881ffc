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
            return "no identity is known for address \(name); add its card with: ferry contacts add NAME CARD"
        case .unknownContact(let name):
            return "unknown recipient '\(name)'; add it with: ferry contacts add \(name) CARD (or give a full 32-character address of a known peer)"
        case .badCard(let reason):
            return "that contact card is not valid (\(reason)); copy the whole line that ferry id --card prints"
        case .contactExists(let name):
            return "a contact named '\(name)' already exists; pick another name"
        case .badContactName(let name):
            return "'\(name)' is not a usable contact name; use letters, digits, '-', '_' or '.' (at most 64)"
        case .messageTooLong(let bytes, let max):
            return "message is \(bytes) bytes, the limit is \(max); send it in parts"
        case .io(let what):
            return what
        }
    }
}
