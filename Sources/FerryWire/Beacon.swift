/// A LAN beacon: one UDP multicast datagram saying "the node with this key accepts links on this
/// port of the address this datagram came from" (docs/PROTOCOL.md §Beacons). Signed by the node's
/// Ed25519 key over a context, all fields and a timestamp, so nobody can announce someone else's
/// key, and an old beacon replayed is stale.
///
/// Layout (115 bytes): magic "FRYB" 4 · version 1 · signing key 32 · listen port 2 ·
/// capabilities 4 · timestamp 8 · signature 64.
public struct Beacon: Sendable, Equatable {
    public static let magic: [UInt8] = Array("FRYB".utf8)
    public static let version: UInt8 = 1
    public static let byteCount = 115
    /// Domain separation for the signature.
    public static let signatureContext = Array("ferry-beacon-v1".utf8)

    public var signingKey: [UInt8]
    public var listenPort: UInt16
    public var capabilities: Hello.Capabilities
    /// The sender's wall clock when it sent the beacon; a receiver refuses one too far from its own.
    public var timestamp: Timestamp
    public var signature: [UInt8]

    public init(signingKey: [UInt8], listenPort: UInt16, capabilities: Hello.Capabilities, timestamp: Timestamp, signature: [UInt8] = []) {
        self.signingKey = signingKey
        self.listenPort = listenPort
        self.capabilities = capabilities
        self.timestamp = timestamp
        self.signature = signature
    }

    /// Everything before the signature.
    public var unsignedBytes: [UInt8] {
        var writer = ByteWriter(capacity: Self.byteCount)
        writer.raw(Self.magic)
        writer.u8(Self.version)
        writer.raw(signingKey)
        writer.u16(listenPort)
        writer.u32(capabilities.rawValue)
        writer.u64(timestamp.milliseconds)
        return writer.bytes
    }

    /// What the signature covers: the context, then the unsigned bytes.
    public var signedBytes: [UInt8] { Self.signatureContext + unsignedBytes }

    public func encoded() -> [UInt8] { unsignedBytes + signature }

    /// Decodes a datagram; anything but exactly one well-formed beacon is an error.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> Beacon {
        guard bytes.count == byteCount else {
            throw .invalid(field: "beacon", reason: "\(bytes.count) bytes, a beacon has \(byteCount)")
        }
        var reader = ByteReader(bytes)
        guard try reader.raw(4, "beacon magic") == magic else { throw .invalid(field: "beacon magic", reason: "not FRYB") }
        let version = try reader.u8("beacon version")
        guard version == Self.version else { throw .unsupportedVersion(version) }
        let key = try reader.raw(IdentityRecord.signingKeyByteCount, "beacon signing key")
        let port = try reader.u16("beacon port")
        guard port != 0 else { throw .invalid(field: "beacon port", reason: "zero") }
        let capabilities = Hello.Capabilities(rawValue: try reader.u32("beacon capabilities"))
        let timestamp = Timestamp(milliseconds: try reader.u64("beacon timestamp"))
        let signature = try reader.raw(SealedContent.signatureByteCount, "beacon signature")
        try reader.expectEnd()
        return Beacon(signingKey: key, listenPort: port, capabilities: capabilities, timestamp: timestamp, signature: signature)
    }
}

/// One endpoint told by a peer in an `endpoints` frame (peer exchange): who (address) is reachable
/// where. The peer that tells it is authenticated by its link; a dial to the endpoint pins the
/// address, so a false entry costs one failed handshake.
public struct EndpointEntry: Sendable, Equatable {
    public var address: Address
    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address.
    public var ip: [UInt8]
    public var port: UInt16

    public init(address: Address, ip: [UInt8], port: UInt16) {
        self.address = address
        self.ip = ip
        self.port = port
    }

    /// The IP as text (dotted IPv4, or IPv6 in full hex groups).
    public var host: String {
        if ip.count == 4 { return ip.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(ip[$0]) << 8 | UInt16(ip[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// Parses a dotted IPv4 literal (the form links report); nil for anything else.
    public static func ipv4(_ text: String) -> [UInt8]? { IPLiteralBytes.ipv4(Substring(text)) }

    /// Parses an IPv4 or an unscoped IPv6 literal (`2001:db8::5`); nil for anything else.
    public static func ip(_ text: String) -> [UInt8]? { ipv4(text) ?? IPLiteralBytes.ipv6(text) }

    /// An address worth dialling: not unspecified, multicast, broadcast, IPv6 link-local
    /// (fe80::/10: without the interface it belongs to, which an entry cannot carry and which
    /// means nothing on another machine, it cannot be dialled), or zero port.
    public var isUsable: Bool {
        guard port != 0 else { return false }
        if ip.count == 4 {
            return ip != [0, 0, 0, 0] && ip != [255, 255, 255, 255] && !(224...239).contains(ip[0])
        }
        let linkLocal = ip.count == 16 && ip[0] == 0xfe && ip[1] & 0xc0 == 0x80
        return ip.count == 16 && ip != [UInt8](repeating: 0, count: 16) && ip[0] != 0xff && !linkLocal
    }
}
