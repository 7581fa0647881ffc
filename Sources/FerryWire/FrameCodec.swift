extension Frame {
    /// The frame with its length prefix, ready for the TLS engine. An `unknown` frame encodes as its
    /// bare type byte (only tests make one).
    public func encoded() -> [UInt8] {
        var payload = ByteWriter(capacity: 64)
        switch self {
        case .unknown(let type):
            payload.u8(type)
        case .hello, .envelope, .proof, .refuse, .ping, .pong, .close, .hopAck, .sync, .want, .endpoints, .announce:
            payload.u8(kind?.rawValue ?? 0)
            encodePayload(into: &payload)
        }
        var out = ByteWriter(capacity: payload.bytes.count + Frame.lengthByteCount)
        out.bytes32(payload.bytes)
        return out.bytes
    }

    private func encodePayload(into payload: inout ByteWriter) {
        switch self {
        case .hello(let hello):
            payload.u16(hello.version)
            payload.bytes16(hello.record)
            payload.u16(hello.listenPort)
            payload.u8(hello.flags)
            payload.u32(hello.capabilities.rawValue)
        case .envelope(let bytes):
            payload.raw(bytes)
        case .proof(let proof):
            payload.raw(proof.id.bytes)
            payload.raw(proof.ackSecret)
            payload.u8(proof.hops)
            payload.u8(proof.path.rawValue)
        case .refuse(let id, let reason):
            payload.raw(id.bytes)
            payload.u8(reason.rawValue)
        case .ping(let nonce), .pong(let nonce):
            payload.u64(nonce)
        case .close(let reason, let text):
            payload.u8(reason.rawValue)
            payload.bytes16(Array(text.utf8.prefix(WireLimits.closeReasonBytesMax)))
        case .hopAck(let id, let ackHash):
            payload.raw(id.bytes)
            payload.raw(ackHash)
        case .sync(let set, let message):
            payload.u8(set.rawValue)
            payload.raw(message)
        case .want(let set, let ids):
            payload.u8(set.rawValue)
            payload.u16(UInt16(clamping: ids.count))
            for id in ids.prefix(Int(UInt16.max)) { payload.raw(id) }
        case .endpoints(let entries):
            payload.u8(UInt8(clamping: entries.count))
            for entry in entries.prefix(WireLimits.endpointsPerFrameMax) {
                payload.raw(entry.address.bytes)
                payload.u8(UInt8(entry.ip.count))
                payload.raw(entry.ip)
                payload.u16(entry.port)
            }
        case .announce(let hopsLeft, let record):
            payload.u8(hopsLeft)
            payload.bytes16(record)
        case .unknown:
            break
        }
    }

    /// Decodes one frame's type and payload (without the length prefix). A type this build does not
    /// know decodes as `.unknown` (its payload skipped); a known type must decode exactly.
    public static func decode(payload: [UInt8]) throws(WireError) -> Frame {
        var reader = ByteReader(payload)
        let typeByte = try reader.u8("frame type")
        guard let kind = Kind(rawValue: typeByte) else { return .unknown(type: typeByte) }
        let frame: Frame
        switch kind {
        case .hello: frame = .hello(try decodeHello(&reader))
        case .envelope: frame = .envelope(reader.rest())
        case .proof: frame = .proof(try decodeProof(&reader))
        case .refuse:
            let id = try MessageID.read(&reader)
            // A reason this build does not know is read as "try later": the sender keeps custody anyway.
            frame = .refuse(id: id, reason: RefuseReason(rawValue: try reader.u8("refuse reason")) ?? .unavailable)
        case .ping: frame = .ping(nonce: try reader.u64("ping nonce"))
        case .pong: frame = .pong(nonce: try reader.u64("pong nonce"))
        case .close:
            let reasonByte = try reader.u8("close reason")
            let reason = CloseReason(rawValue: reasonByte) ?? .protocolError
            let text = try reader.bytes16("close text", max: WireLimits.closeReasonBytesMax)
            frame = .close(reason: reason, text: String(decoding: text, as: UTF8.self))
        case .hopAck:
            let id = try MessageID.read(&reader)
            frame = .hopAck(id: id, ackHash: try reader.raw(Envelope.ackHashByteCount, "ack hash"))
        case .sync:
            frame = .sync(set: try decodeSet(&reader), message: reader.rest())
        case .want: frame = try decodeWant(&reader)
        case .endpoints: frame = .endpoints(try decodeEndpoints(&reader))
        case .announce:
            let hops = try reader.u8("announce hops left")
            frame = .announce(hopsLeft: hops, record: try reader.bytes16("announce record", max: WireLimits.identityRecordBytesMax))
        }
        try reader.expectEnd()
        return frame
    }

    private static func decodeHello(_ reader: inout ByteReader) throws(WireError) -> Hello {
        let version = try reader.u16("hello version")
        let record = try reader.bytes16("hello record", max: WireLimits.identityRecordBytesMax)
        let port = try reader.u16("hello listen port")
        let flags = try reader.u8("hello flags")
        let capabilities = Hello.Capabilities(rawValue: try reader.u32("hello capabilities"))
        return Hello(version: version, record: record, listenPort: port, flags: flags, capabilities: capabilities)
    }

    private static func decodeProof(_ reader: inout ByteReader) throws(WireError) -> DeliveryProof {
        let id = try MessageID.read(&reader)
        let secret = try reader.raw(SealedContent.ackSecretByteCount, "ack secret")
        let hops = try reader.u8("proof hops")
        let pathByte = try reader.u8("proof path")
        guard let path = ProofPath(rawValue: pathByte) else {
            throw .invalid(field: "proof path", reason: "unknown code \(pathByte)")
        }
        return DeliveryProof(id: id, ackSecret: secret, hops: hops, path: path)
    }

    private static func decodeSet(_ reader: inout ByteReader) throws(WireError) -> SyncSet {
        let setByte = try reader.u8("sync set")
        guard let set = SyncSet(rawValue: setByte) else { throw .invalid(field: "sync set", reason: "unknown code \(setByte)") }
        return set
    }

    private static func decodeEndpoints(_ reader: inout ByteReader) throws(WireError) -> [EndpointEntry] {
        let count = Int(try reader.u8("endpoints count"))
        guard count <= WireLimits.endpointsPerFrameMax else {
            throw .tooLong(field: "endpoints", length: count, max: WireLimits.endpointsPerFrameMax)
        }
        var entries: [EndpointEntry] = []
        for _ in 0..<count {
            let address = try Address.read(&reader, "endpoint address")
            let length = Int(try reader.u8("endpoint ip length"))
            guard length == 4 || length == 16 else { throw .invalid(field: "endpoint ip length", reason: "\(length)") }
            let ip = try reader.raw(length, "endpoint ip")
            entries.append(EndpointEntry(address: address, ip: ip, port: try reader.u16("endpoint port")))
        }
        return entries
    }

    private static func decodeWant(_ reader: inout ByteReader) throws(WireError) -> Frame {
        let set = try decodeSet(&reader)
        let count = Int(try reader.u16("want count"))
        guard count <= WireLimits.wantIDsMax else {
            throw .tooLong(field: "want ids", length: count, max: WireLimits.wantIDsMax)
        }
        var ids: [[UInt8]] = []
        ids.reserveCapacity(count)
        for _ in 0..<count { ids.append(try reader.raw(WireLimits.syncIDByteCount, "want id")) }
        return .want(set: set, ids: ids)
    }
}

/// Cuts a byte stream into frames. Holds at most one partial frame; a declared length over
/// `WireLimits.frameBytesMax` is an error before any of it is buffered.
public struct FrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    /// Bytes held that do not yet make a whole frame.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Appends `bytes` and returns every complete frame now available, in order.
    public mutating func push(_ bytes: [UInt8]) throws(WireError) -> [Frame] {
        buffer.append(contentsOf: bytes)
        var frames: [Frame] = []
        while buffer.count - start >= Frame.lengthByteCount {
            var length = 0
            for index in start..<start + Frame.lengthByteCount { length = length << 8 | Int(buffer[index]) }
            guard length >= 1 else { throw .invalid(field: "frame length", reason: "zero") }
            guard length <= WireLimits.frameBytesMax else {
                throw .tooLong(field: "frame", length: length, max: WireLimits.frameBytesMax)
            }
            let end = start + Frame.lengthByteCount + length
            guard buffer.count >= end else { break }
            frames.append(try Frame.decode(payload: Array(buffer[start + Frame.lengthByteCount..<end])))
            start = end
        }
        compact()
        return frames
    }

    /// Most buffer capacity kept between frames (1 KiB): pings and proofs fit; the hello and
    /// envelopes are larger, and an idle link should not keep their buffer (thousands of links on a
    /// coordinator). Allocating again per burst costs far less than decrypting the burst.
    static let keptCapacityBytesMax = 1024

    /// Drops consumed bytes once they dominate, so the buffer does not grow with the stream.
    private mutating func compact() {
        if start == buffer.count {
            // A large frame's buffer is released, not kept per link: hundreds of links that each
            // once received a big frame would otherwise pin that memory while they live.
            buffer.removeAll(keepingCapacity: buffer.capacity <= Self.keptCapacityBytesMax)
            start = 0
        } else if start > 64 * 1024 {
            buffer.removeFirst(start)
            start = 0
        }
    }
}
