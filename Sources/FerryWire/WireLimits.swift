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
    /// The sizes an encoded sealed content is padded to, smallest first (docs/PROTOCOL.md §Padding).
    ///
    /// Every sealed plaintext is exactly one of these long, so a relay that sees the sealed body
    /// learns which bucket a message fell in, not its length. The first bucket is 4 KiB rather than
    /// 2 KiB because a real sender record (1331 bytes) plus the fixed fields already take 1436 bytes:
    /// 4 KiB holds any body up to 2660 bytes, so short messages, receipts included, all look alike.
    /// Above it, powers of two up to 64 KiB never pad a plaintext to more than twice its size and
    /// hide a length within a factor of two. The last bucket, 69 632 = 17 × 4096, is the smallest
    /// multiple of 4 KiB that holds the largest possible content: 105 fixed bytes + a 2048-byte
    /// record + a 65 536-byte body = 67 689 bytes.
    public static let sealedContentBucketsBytes = [4096, 8192, 16_384, 32_768, 65_536, 69_632]
    /// Largest text of a CLOSE frame's reason.
    public static let closeReasonBytesMax = 256
    /// Entries in one `endpoints` frame (peer exchange).
    public static let endpointsPerFrameMax = 32
    /// Sync ids a `want` frame may ask for at once.
    public static let wantIDsMax = 1024
    /// Size of a sync id: the first 16 bytes of SHA-256(message id ‖ ack hash).
    public static let syncIDByteCount = 16
    /// Largest encoded sync message (docs/PROTOCOL.md §Set reconciliation). It fits in a frame with
    /// room to spare; a sender with more to say cuts its message short and says the rest later.
    public static let syncMessageBytesMax = 128 * 1024
    /// Most ranges in one sync message. Every range costs at least two bytes, so without this a
    /// message of the largest size could make a receiver look up 65 536 ranges.
    public static let syncRangesPerMessageMax = 8192
    /// Most items in one item list, and in each of the two lists of a difference; also the bound on
    /// every position a difference names (positions index into an item list).
    public static let syncItemsPerListMax = 4096
    /// Hop limit a new message starts with.
    public static let hopLimitDefault: UInt8 = 8
    /// How long a message lives by default before it expires undelivered (7 days).
    public static let messageLifetimeDefaultMilliseconds: UInt64 = 7 * 24 * 3600 * 1000
}
