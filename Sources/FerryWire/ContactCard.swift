import Foundation

/// The one-line, copyable text form of an identity record: `ferry1:` then the record in
/// unpadded base64url (docs/PROTOCOL.md §Contact card). `ferry id --card` prints it;
/// `ferry contacts add NAME CARD` reads it. FerryCrypto checks the record's signature.
public enum ContactCard {
    /// Prefix naming the card format and its version.
    public static let prefix = "ferry1:"

    public static func encode(_ record: IdentityRecord) -> String {
        let base64 = Data(record.encoded()).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + base64
    }

    /// Parses a card (surrounding white space ignored). Throws a `WireError` saying what is wrong.
    public static func decode(_ text: String) throws(WireError) -> IdentityRecord {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(prefix) else {
            throw .invalid(field: "contact card", reason: "it must start with \(prefix)")
        }
        var base64 = String(trimmed.dropFirst(prefix.count))
            .replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        guard base64.utf8.count <= WireLimits.identityRecordBytesMax * 2 else {
            throw .tooLong(field: "contact card", length: base64.utf8.count, max: WireLimits.identityRecordBytesMax * 2)
        }
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else {
            throw .invalid(field: "contact card", reason: "not valid base64url (was it cut when copied?)")
        }
        return try IdentityRecord.decode([UInt8](data))
    }
}
