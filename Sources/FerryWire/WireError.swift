/// Why bytes from a peer, a file or a client could not be decoded.
///
/// Decoders in FerryWire never trap on bad input: every malformed, truncated or oversized
/// field becomes one of these, and the caller closes the link or refuses the request.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended before `field` was complete.
    case truncated(field: String)
    /// `field` declared a length above its limit.
    case tooLong(field: String, length: Int, max: Int)
    /// `field` held a value the format does not allow.
    case invalid(field: String, reason: String)
    /// Bytes were left over after the last field.
    case trailingBytes(count: Int)
    /// A version this build does not speak.
    case unsupportedVersion(UInt8)
    /// A frame or record type this build does not know.
    case unknownType(UInt8)

    public var description: String {
        switch self {
        case .truncated(let field): return "truncated input in \(field)"
        case .tooLong(let field, let length, let max): return "\(field) is \(length) bytes, limit is \(max)"
        case .invalid(let field, let reason): return "invalid \(field): \(reason)"
        case .trailingBytes(let count): return "\(count) unexpected trailing bytes"
        case .unsupportedVersion(let version): return "unsupported version \(version)"
        case .unknownType(let type): return "unknown type 0x\(String(type, radix: 16))"
        }
    }
}
