extension Frame {
    /// The frame with its length prefix, ready for the TLS engine.
    public func encoded() -> [UInt8] {
        var payload = ByteWriter(capacity: 64)
        payload.u8(kind.rawValue)
        switch self {
        case .hello(let hello):
            payload.u16(hello.version)
            payload.bytes16(hello.record)
            payload.u16(hello.listenPort)
            payload.u8(hello.flags)
        case .envelope(let bytes):
            payload.raw(bytes)
        case .proof(let proof):
            payload.raw(proof.id.bytes)
            payload.raw(proof.ackSecret)
        case .refuse(let id, let reason):
            payload.raw(id.bytes)
            payload.u8(reason.rawValue)
        case .ping(let nonce), .pong(let nonce):
            payload.u64(nonce)
        case .close(let reason, let text):
            payload.u8(reason.rawValue)
            payload.bytes16(Array(text.utf8.prefix(WireLimits.closeReasonBytesMax)))
        }
        var out = ByteWriter(capacity: payload.bytes.count + Frame.lengthByteCount)
        out.bytes32(payload.bytes)
        return out.bytes
    }

    /// Decodes one frame's type and payload (without the length prefix).
    public static func decode(payload: [UInt8]) throws(WireError) -> Frame {
        var reader = ByteReader(payload)
        let typeByte = try reader.u8("frame type")
        guard let kind = Kind(rawValue: typeByte) else { throw .unknownType(typeByte) }
        let frame: Frame
        switch kind {
        case .hello:
            let version = try reader.u16("hello version")
            let record = try reader.bytes16("hello record", max: WireLimits.identityRecordBytesMax)
            let port = try reader.u16("hello listen port")
            let flags = try reader.u8("hello flags")
            frame = .hello(Hello(version: version, record: record, listenPort: port, flags: flags))
        case .envelope:
            frame = .envelope(reader.rest())
        case .proof:
            let id = try MessageID.read(&reader)
            let secret = try reader.raw(SealedContent.ackSecretByteCount, "ack secret")
            frame = .proof(DeliveryProof(id: id, ackSecret: secret))
        case .refuse:
            let id = try MessageID.read(&reader)
            let reasonByte = try reader.u8("refuse reason")
            guard let reason = RefuseReason(rawValue: reasonByte) else {
                throw .invalid(field: "refuse reason", reason: "unknown code \(reasonByte)")
            }
            frame = .refuse(id: id, reason: reason)
        case .ping:
            frame = .ping(nonce: try reader.u64("ping nonce"))
        case .pong:
            frame = .pong(nonce: try reader.u64("pong nonce"))
        case .close:
            let reasonByte = try reader.u8("close reason")
            let reason = CloseReason(rawValue: reasonByte) ?? .protocolError
            let text = try reader.bytes16("close text", max: WireLimits.closeReasonBytesMax)
            frame = .close(reason: reason, text: String(decoding: text, as: UTF8.self))
        }
        try reader.expectEnd()
        return frame
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

    /// Most buffer capacity kept between frames.
    static let keptCapacityBytesMax = 16 * 1024

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
