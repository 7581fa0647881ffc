/// Every size limit of the wire formats, in one place (docs/PROTOCOL.md §Limits).
///
/// Decoders check these before allocating, so a peer cannot make a node hold more than this.
public enum WireLimits {
    /// Largest link frame payload (type byte included).
    public static let frameBytesMax = 256 * 1024
    /// Largest sealed body of an envelope (HPKE encapsulated key + ciphertext).
    public static let sealedBytesMax = 192 * 1024
    /// Largest message body a user may send (text or any content type).
    public static let messageBodyBytesMax = 64 * 1024
    /// Largest encoded identity record.
    public static let identityRecordBytesMax = 2048
    /// Largest text of a CLOSE frame's reason.
    public static let closeReasonBytesMax = 256
    /// Hop limit a new message starts with.
    public static let hopLimitDefault: UInt8 = 8
    /// How long a message lives by default before it expires undelivered (7 days).
    public static let messageLifetimeDefaultMilliseconds: UInt64 = 7 * 24 * 3600 * 1000
}
