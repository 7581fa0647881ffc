/// What a message's sealed body holds once opened (docs/PROTOCOL.md §Sealed content).
///
/// The sender's identity record travels inside, so relays never learn who sent a message
/// (sealed sender) while the recipient can check the signature and seal a receipt back.
public struct SealedContent: Sendable, Equatable {
    /// Format version of the sealed content (1 byte).
    public static let version: UInt8 = 1
    /// Size of the ack secret.
    public static let ackSecretByteCount = 32
    /// Size of an Ed25519 signature.
    public static let signatureByteCount = 64

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

    public func encoded() -> [UInt8] { unsignedBytes + signature }

    public static func decode(_ bytes: [UInt8]) throws(WireError) -> SealedContent {
        var reader = ByteReader(bytes)
        let version = try reader.u8("content version")
        guard version == Self.version else { throw .unsupportedVersion(version) }
        let typeByte = try reader.u8("content type")
        guard let contentType = ContentType(rawValue: typeByte) else { throw .unknownType(typeByte) }
        let ackSecret = try reader.raw(ackSecretByteCount, "ack secret")
        let hopLimit = try reader.u8("hop limit")
        let senderRecord = try reader.bytes16("sender record", max: WireLimits.identityRecordBytesMax)
        let body = try reader.bytes32("body", max: WireLimits.messageBodyBytesMax)
        let signature = try reader.raw(signatureByteCount, "signature")
        try reader.expectEnd()
        return SealedContent(
            contentType: contentType, ackSecret: ackSecret, hopLimit: hopLimit, senderRecord: senderRecord,
            body: body, signature: signature)
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
