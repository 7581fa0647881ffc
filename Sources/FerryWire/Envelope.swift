/// The unit of custody: a visible header for routing plus a body sealed to the recipient.
///
/// Layout (docs/PROTOCOL.md §Envelope): the fixed header (82 bytes) is the AEAD's associated data,
/// so no relay can re-target or extend a message; `hopsLeft` and `copies` follow it because relays
/// change them; then the sealed body, length-prefixed.
public struct Envelope: Sendable, Equatable {
    /// Format version of the envelope (1 byte).
    public static let version: UInt8 = 1
    /// Size of the fixed header: version 1, flags 1, id 16, destination 16, created 8, expires 8, ack hash 32.
    public static let fixedHeaderByteCount = 82
    /// Size of the SHA-256 digest of the ack secret.
    public static let ackHashByteCount = 32

    public var flags: UInt8
    public var id: MessageID
    public var destination: Address
    public var created: Timestamp
    public var expires: Timestamp
    /// SHA-256 of the ack secret sealed inside; a delivery proof must hash to it.
    public var ackHash: [UInt8]
    public var hopsLeft: UInt8
    /// Spray-and-wait copy budget.
    public var copies: UInt16
    /// HPKE output: encapsulated key followed by ciphertext.
    public var sealed: [UInt8]

    public init(
        flags: UInt8 = 0, id: MessageID, destination: Address, created: Timestamp, expires: Timestamp,
        ackHash: [UInt8], hopsLeft: UInt8, copies: UInt16, sealed: [UInt8]
    ) {
        self.flags = flags
        self.id = id
        self.destination = destination
        self.created = created
        self.expires = expires
        self.ackHash = ackHash
        self.hopsLeft = hopsLeft
        self.copies = copies
        self.sealed = sealed
    }

    /// The bytes the AEAD authenticates and the sender signs: everything a relay must not change.
    public var fixedHeader: [UInt8] {
        var writer = ByteWriter(capacity: Self.fixedHeaderByteCount)
        writer.u8(Self.version)
        writer.u8(flags)
        writer.raw(id.bytes)
        writer.raw(destination.bytes)
        writer.u64(created.milliseconds)
        writer.u64(expires.milliseconds)
        writer.raw(ackHash)
        return writer.bytes
    }

    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.fixedHeaderByteCount + 7 + sealed.count)
        writer.raw(fixedHeader)
        writer.u8(hopsLeft)
        writer.u16(copies)
        writer.bytes32(sealed)
        return writer.bytes
    }

    /// Decodes an envelope, rejecting unknown versions, oversized bodies and trailing bytes.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> Envelope {
        var reader = ByteReader(bytes)
        let version = try reader.u8("envelope version")
        guard version == Self.version else { throw .unsupportedVersion(version) }
        let flags = try reader.u8("envelope flags")
        let id = try MessageID.read(&reader)
        let destination = try Address.read(&reader, "destination")
        let created = Timestamp(milliseconds: try reader.u64("created"))
        let expires = Timestamp(milliseconds: try reader.u64("expires"))
        guard expires > created else { throw .invalid(field: "expires", reason: "not after created") }
        let ackHash = try reader.raw(ackHashByteCount, "ack hash")
        let hopsLeft = try reader.u8("hops left")
        let copies = try reader.u16("copies")
        let sealed = try reader.bytes32("sealed body", max: WireLimits.sealedBytesMax)
        try reader.expectEnd()
        return Envelope(
            flags: flags, id: id, destination: destination, created: created, expires: expires,
            ackHash: ackHash, hopsLeft: hopsLeft, copies: copies, sealed: sealed)
    }
}
