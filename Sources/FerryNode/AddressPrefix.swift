import FerryWire

/// The start of an address, as a person types it: 8 to 31 hex characters (docs/CLI.md). Eight
/// characters are 32 bits: enough that two contacts rarely share one, short enough to type.
public struct AddressPrefix: Sendable, Equatable {
    /// Shortest prefix accepted.
    public static let hexCharactersMin = 8

    /// The prefix, lowercase.
    public let text: String

    /// Nil unless `text` is 8 to 31 hex characters (either case); a full address is not a prefix.
    public init?(_ text: String) {
        let lower = text.lowercased()
        let count = lower.utf8.count
        guard count >= Self.hexCharactersMin, count < Address.byteCount * 2,
            lower.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) })
        else { return nil }
        self.text = lower
    }

    public func matches(_ address: Address) -> Bool { address.text.hasPrefix(text) }

    /// The one address among `candidates` that starts with this prefix; nil if none does.
    /// Throws `NodeError.ambiguousAddress` if several different ones do (duplicates count once).
    public func select(from candidates: some Sequence<Address>) throws -> Address? {
        let matching = Set(candidates.filter(matches))
        guard matching.count <= 1 else { throw NodeError.ambiguousAddress(prefix: text, matches: matching.count) }
        return matching.first
    }
}
