/// Why a key, record, seal or proof was rejected. None of these is a programmer error: they come
/// from files, peers or users, and the caller refuses the input.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    case badKey(String)
    case badSignature(String)
    case expired(String)
    case cannotOpen(String)
    case wrongRecipient
    case malformed(String)

    public var description: String {
        switch self {
        case .badKey(let what): return "bad key: \(what)"
        case .badSignature(let what): return "bad signature on \(what)"
        case .expired(let what): return "\(what) has expired"
        case .cannotOpen(let why): return "cannot open sealed body: \(why)"
        case .wrongRecipient: return "message is addressed to another node"
        case .malformed(let what): return "malformed \(what)"
        }
    }
}
