/// What a message's sealed body holds once opened (docs/PROTOCOL.md §Sealed content).
///
/// The sender's identity record travels inside, so relays never learn who sent a message
/// (sealed sender) while the recipient can check the signature and seal a receipt back.
/// The encoding is zero-padded to one of `WireLimits.sealedContentBucketsBytes`, so relays do not
/// learn a message's length either (docs/PROTOCOL.md §Padding).
public struct SealedContent: Sendable, Equatable {
    /// Format version of the sealed content (1 byte). Version 2 added the padding; version 1 is
    /// refused, since it was never released.
    public static let version: UInt8 = 2
    /// Size of the ack secret.
    public static let ackSecretByteCount = 32
    /// Size of an Ed25519 signature.
    public static let signatureByteCount = 64
    /// Size of the fields every content has whatever its record and body: version 1, type 1,
    /// ack secret 32, hop limit 1, record length 2, body length 4, signature 64.
    public static let fixedFieldsByteCount = 105

    public var contentType: ContentType
    /// Random secret whose SHA-256 is the envelope's ack hash; revealing it proves delivery.
    public var ackSecret: [UInt8]
    /// The hop limit the sender started with, so the recipient can count hops taken.
    public var hopLimit: UInt8
    /// The sender's encoded identity record.
    public var senderRecord: [UInt8]
    public var body: [UInt8]
    /// Sender's Ed25519 signature over `signedBytes(fixedHeader:)`.
    public var signature: [UInt8]

    public init(
        contentType: ContentType, ackSecret: [UInt8], hopLimit: UInt8, senderRecord: [UInt8], body: [UInt8],
        signature: [UInt8] = []
    ) {
        self.contentType = contentType
        self.ackSecret = ackSecret
        self.hopLimit = hopLimit
        self.senderRecord = senderRecord
        self.body = body
        self.signature = signature
    }

    /// Domain separation for the signature, so it can never be replayed as another kind of signature.
    public static let signatureContext = Array("ferry-message-v1".utf8)

    /// Everything before the signature.
    public var unsignedBytes: [UInt8] {
        var writer = ByteWriter(capacity: 64 + senderRecord.count + body.count)
        writer.u8(Self.version)
        writer.u8(contentType.rawValue)
        writer.raw(ackSecret)
        writer.u8(hopLimit)
        writer.bytes16(senderRecord)
        writer.bytes32(body)
        return writer.bytes
    }

    /// What the sender signs: context, the envelope's fixed header, then the content before the signature.
    public func signedBytes(fixedHeader: [UInt8]) -> [UInt8] {
        Self.signatureContext + fixedHeader + unsignedBytes
    }

    /// The smallest padding bucket that holds `fieldsByteCount` bytes of fields, or nil when none does
    /// (a record or body over its limit).
    public static func paddedByteCount(fieldsByteCount: Int) -> Int? {
        WireLimits.sealedContentBucketsBytes.first { $0 >= fieldsByteCount }
    }

    /// The plaintext to seal: the fields, signature last, then zero bytes up to the smallest bucket
    /// that holds them. The signature does not cover the padding: the AEAD authenticates the whole
    /// plaintext, and zeros carry nothing a sender could mean.
    ///
    /// The caller keeps the sender record and the body within their limits
    /// (`WireLimits.identityRecordBytesMax`, `WireLimits.messageBodyBytesMax`): the last bucket is
    /// sized so that such content always fits.
    public func encoded() -> [UInt8] {
        let fields = unsignedBytes + signature
        guard let paddedCount = Self.paddedByteCount(fieldsByteCount: fields.count) else {
            preconditionFailure("sealed content of \(fields.count) bytes fits no padding bucket")
        }
        return fields + [UInt8](repeating: 0, count: paddedCount - fields.count)
    }

    /// Decodes padded content: the total length must be one of the buckets (checked before any
    /// field is read), and every byte after the signature must be zero. Any bucket that holds the
    /// fields is accepted, not only the smallest, so a sender may choose to hide more.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> SealedContent {
        var reader = ByteReader(bytes)
        let version = try reader.u8("content version")
        guard version == Self.version else { throw .unsupportedVersion(version) }
        guard WireLimits.sealedContentBucketsBytes.contains(bytes.count) else {
            throw .invalid(field: "sealed content", reason: "\(bytes.count) bytes is not a padding bucket size")
        }
        let typeByte = try reader.u8("content type")
        guard let contentType = ContentType(rawValue: typeByte) else { throw .unknownType(typeByte) }
        let ackSecret = try reader.raw(ackSecretByteCount, "ack secret")
        let hopLimit = try reader.u8("hop limit")
        let senderRecord = try reader.bytes16("sender record", max: WireLimits.identityRecordBytesMax)
        let body = try reader.bytes32("body", max: WireLimits.messageBodyBytesMax)
        let signature = try reader.raw(signatureByteCount, "signature")
        try expectZeroPadding(after: reader)
        return SealedContent(
            contentType: contentType, ackSecret: ackSecret, hopLimit: hopLimit, senderRecord: senderRecord,
            body: body, signature: signature)
    }

    /// Throws unless every byte left is zero, so that padding cannot carry anything the signature
    /// does not cover: a hidden payload, or bytes that a later reader might parse as a field.
    private static func expectZeroPadding(after reader: ByteReader) throws(WireError) {
        if let index = reader.bytes[reader.offset...].firstIndex(where: { $0 != 0 }) {
            throw .invalid(field: "padding", reason: "non-zero byte at offset \(index)")
        }
    }
}

/// What a sealed body carries (1 byte).
public enum ContentType: UInt8, Sendable {
    /// UTF-8 text from a user.
    case text = 1
    /// An end-to-end delivery receipt (`Receipt`), sent by a recipient back to the sender.
    case receipt = 2
}

/// The body of a `.receipt` message: which message was opened, and when (docs/PROTOCOL.md §Receipt).
public struct Receipt: Sendable, Equatable {
    /// Encoded size: message id 16 + opened-at 8.
    public static let byteCount = 24

    public var messageID: MessageID
    public var openedAt: Timestamp

    public init(messageID: MessageID, openedAt: Timestamp) {
        self.messageID = messageID
        self.openedAt = openedAt
    }

    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.byteCount)
        writer.raw(messageID.bytes)
        writer.u64(openedAt.milliseconds)
        return writer.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(WireError) -> Receipt {
        var reader = ByteReader(bytes)
        let id = try MessageID.read(&reader)
        let openedAt = Timestamp(milliseconds: try reader.u64("opened at"))
        try reader.expectEnd()
        return Receipt(messageID: id, openedAt: openedAt)
    }
}
