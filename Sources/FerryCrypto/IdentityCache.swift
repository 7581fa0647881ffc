import FerryWire

/// Verified identity records by their exact bytes, so a sender whose record arrives inside every
/// message is verified (one Ed25519 check, one X-Wing key parse) once, not per message.
///
/// Bounded by `entriesMax`; when full it starts over, which costs one re-verification per sender.
/// Loop-confined, not `Sendable`.
public final class IdentityCache {
    /// Most records kept.
    public static let entriesMax = 4096

    private var entries: [[UInt8]: VerifiedIdentity] = [:]

    public init() {}

    public var count: Int { entries.count }

    /// The verified identity for `encoded`, verifying (without an expiry check) on first sight.
    public func identity(encoded: [UInt8]) throws(CryptoError) -> VerifiedIdentity {
        if let known = entries[encoded] { return known }
        let verified = try VerifiedIdentity(encoded: encoded, now: nil)
        if entries.count >= Self.entriesMax { entries.removeAll(keepingCapacity: true) }
        entries[encoded] = verified
        return verified
    }
}
