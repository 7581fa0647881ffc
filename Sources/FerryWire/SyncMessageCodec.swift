extension SyncMessage {
    /// The encoded message (docs/PROTOCOL.md §Set reconciliation). The caller keeps the value
    /// within `WireLimits`; `SyncMessageWriter` helps a sender stay under the byte limit.
    public func encoded() -> [UInt8] {
        var writer = SyncMessageWriter()
        for range in ranges { writer.append(range) }
        return writer.bytes
    }

    /// Decodes a sync message strictly: bounds strictly ascending and ending at infinity, no two
    /// adjacent skips, items ascending inside their range, every count and length within
    /// `WireLimits` and checked before anything is allocated, nothing after the last range.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> SyncMessage {
        guard bytes.count <= WireLimits.syncMessageBytesMax else {
            throw .tooLong(field: "sync message", length: bytes.count, max: WireLimits.syncMessageBytesMax)
        }
        var reader = SyncMessageReader(ByteReader(bytes))
        let version = try reader.bytes.u8("sync version")
        guard version == SyncMessage.version else { throw .unsupportedVersion(version) }
        var ranges: [SyncRange] = []
        while true {
            guard ranges.count < WireLimits.syncRangesPerMessageMax else {
                throw .invalid(field: "sync ranges", reason: "more than \(WireLimits.syncRangesPerMessageMax)")
            }
            let range = try reader.range()
            if range.mode == .skip, ranges.last?.mode == .skip {
                throw .invalid(field: "sync ranges", reason: "two adjacent skips")
            }
            ranges.append(range)
            if range.upperBound == .infinity { break }
        }
        try reader.bytes.expectEnd()
        return SyncMessage(ranges: ranges)
    }
}

/// Reads one range at a time, keeping the two things the encoding is relative to: the previous
/// bound's time (bound times are gaps from it) and the range's lower bound (items must lie in it).
private struct SyncMessageReader {
    var bytes: ByteReader
    /// The lower bound of the next range.
    var lower = SyncBound.zero
    /// The time of the last bound read, or 0: bound and item times are encoded as gaps from it.
    var lastCreated: UInt64 = 0

    init(_ bytes: ByteReader) { self.bytes = bytes }

    mutating func range() throws(WireError) -> SyncRange {
        let base = lastCreated
        let upper = try bound()
        guard lower < upper else { throw .invalid(field: "sync bound", reason: "not above the previous bound") }
        let modeByte = try bytes.u8("sync mode")
        guard let kind = SyncMode.Kind(rawValue: modeByte) else {
            throw .invalid(field: "sync mode", reason: "unknown code \(modeByte)")
        }
        let mode: SyncMode
        switch kind {
        case .skip: mode = .skip
        case .fingerprint: mode = .fingerprint(try SyncFingerprint.read(&bytes))
        case .itemList: mode = .itemList(try items("sync item list", base: base, upper: upper))
        case .difference: mode = .difference(try difference(base: base, upper: upper))
        }
        lower = upper
        return SyncRange(upperBound: upper, mode: mode)
    }

    /// A bound: varint 0 for infinity, else 1 + the gap from the previous bound's time, then a
    /// u8 prefix length (0…16) and the prefix, whose last byte may not be zero.
    mutating func bound() throws(WireError) -> SyncBound {
        let code = try bytes.varint("sync bound time")
        guard code != 0 else { return .infinity }
        let (created, overflow) = lastCreated.addingReportingOverflow(code - 1)
        // 2^64 - 1 is infinity's, so no bound time may reach it; below it, 1 + any gap fits a u64.
        guard !overflow, created != .max else { throw .invalid(field: "sync bound time", reason: "past 2^64 - 2") }
        let length = Int(try bytes.u8("sync bound prefix length"))
        guard length <= MessageID.byteCount else {
            throw .tooLong(field: "sync bound prefix", length: length, max: MessageID.byteCount)
        }
        let prefix = try bytes.raw(length, "sync bound prefix")
        guard prefix.last != 0 else { throw .invalid(field: "sync bound prefix", reason: "ends in a zero byte") }
        lastCreated = created
        return .at(created: Timestamp(milliseconds: created), idPrefix: prefix)
    }

    /// A varint count, then that many items: each a varint time gap (from the range's lower bound
    /// time, then from the previous item) and a 16-byte id. Strictly ascending, inside the range.
    mutating func items(_ field: String, base: UInt64, upper: SyncBound) throws(WireError) -> [SyncItem] {
        let count = try listCount(field, minimumBytesEach: 1 + MessageID.byteCount)
        var items: [SyncItem] = []
        items.reserveCapacity(count)
        var previous = base
        for _ in 0..<count {
            let (created, overflow) = previous.addingReportingOverflow(try bytes.varint("\(field) time"))
            guard !overflow, created != .max else { throw .invalid(field: "\(field) time", reason: "past 2^64 - 2") }
            let item = SyncItem(created: Timestamp(milliseconds: created), id: try MessageID.read(&bytes))
            if let last = items.last {
                guard last < item else { throw .invalid(field: field, reason: "items not strictly ascending") }
            } else {
                guard !lower.isAbove(item) else { throw .invalid(field: field, reason: "item below its range") }
            }
            guard upper.isAbove(item) else { throw .invalid(field: field, reason: "item above its range") }
            items.append(item)
            previous = created
        }
        return items
    }

    /// The items the sender alone holds, then the positions (as gaps) of those the receiver alone holds.
    mutating func difference(base: UInt64, upper: SyncBound) throws(WireError) -> SyncDifference {
        let senderOnly = try items("sync difference items", base: base, upper: upper)
        let count = try listCount("sync difference positions", minimumBytesEach: 1)
        var positions: [Int] = []
        positions.reserveCapacity(count)
        var next: UInt64 = 0
        for _ in 0..<count {
            let gap = try bytes.varint("sync difference position")
            let limit = UInt64(WireLimits.syncItemsPerListMax)
            guard gap < limit, next + gap < limit else {
                throw .invalid(field: "sync difference position", reason: "at or past \(limit)")
            }
            positions.append(Int(next + gap))
            next += gap + 1
        }
        guard !senderOnly.isEmpty || !positions.isEmpty else {
            throw .invalid(field: "sync difference", reason: "empty (a settled range is a skip)")
        }
        return SyncDifference(senderOnly: senderOnly, receiverOnlyPositions: positions)
    }

    /// A list's varint count, checked against the limit and against the bytes left before any
    /// allocation: a peer cannot make us reserve room for items it has not sent.
    mutating func listCount(_ field: String, minimumBytesEach: Int) throws(WireError) -> Int {
        let count = try bytes.varint("\(field) count")
        guard count <= UInt64(WireLimits.syncItemsPerListMax) else {
            throw .invalid(field: field, reason: "\(count) entries, limit is \(WireLimits.syncItemsPerListMax)")
        }
        guard Int(count) * minimumBytesEach <= bytes.remaining else { throw .truncated(field: field) }
        return Int(count)
    }
}

/// Encodes a sync message range by range and tells a sender, before it appends, how many bytes a
/// range would add, so that it can stop under `WireLimits.syncMessageBytesMax`.
public struct SyncMessageWriter: Sendable {
    private var writer: ByteWriter
    /// The time of the last bound written, or 0 (see `SyncMessageReader.lastCreated`).
    private var lastCreated: UInt64 = 0
    public private(set) var rangeCount = 0

    public init(capacity: Int = 256) {
        writer = ByteWriter(capacity: capacity)
        writer.u8(SyncMessage.version)
    }

    public var bytes: [UInt8] { writer.bytes }
    public var byteCount: Int { writer.bytes.count }

    /// Bytes that `ranges` would add if appended now, in order.
    public func byteCount<S: Sequence>(of ranges: S) -> Int where S.Element == SyncRange {
        var last = lastCreated
        var total = 0
        for range in ranges {
            let base = last
            switch range.upperBound {
            case .infinity:
                total += 1
            case .at(let created, let prefix):
                total += Varint.byteCount(1 + created.milliseconds - last) + 1 + prefix.count
                last = created.milliseconds
            }
            total += 1 + Self.payloadByteCount(range.mode, base: base)
        }
        return total
    }

    /// Appends one range. Bounds must ascend and items lie in their range (the decoder's rules).
    public mutating func append(_ range: SyncRange) {
        let base = lastCreated
        switch range.upperBound {
        case .infinity:
            writer.varint(0)
        case .at(let created, let prefix):
            precondition(created.milliseconds >= lastCreated && prefix.count <= MessageID.byteCount, "bad sync bound")
            writer.varint(1 + created.milliseconds - lastCreated)
            writer.u8(UInt8(prefix.count))
            writer.raw(prefix)
            lastCreated = created.milliseconds
        }
        writer.u8(range.mode.kind.rawValue)
        switch range.mode {
        case .skip:
            break
        case .fingerprint(let fingerprint):
            writer.raw(fingerprint.bytes)
        case .itemList(let items):
            write(items, base: base)
        case .difference(let difference):
            write(difference.senderOnly, base: base)
            writer.varint(UInt64(difference.receiverOnlyPositions.count))
            var next = 0
            for position in difference.receiverOnlyPositions {
                precondition(position >= next, "positions must ascend")
                writer.varint(UInt64(position - next))
                next = position + 1
            }
        }
        rangeCount += 1
    }

    private mutating func write(_ items: [SyncItem], base: UInt64) {
        writer.varint(UInt64(items.count))
        var previous = base
        for item in items {
            precondition(item.created.milliseconds >= previous, "items must ascend")
            writer.varint(item.created.milliseconds - previous)
            writer.raw(item.id.bytes)
            previous = item.created.milliseconds
        }
    }

    private static func payloadByteCount(_ mode: SyncMode, base: UInt64) -> Int {
        switch mode {
        case .skip:
            return 0
        case .fingerprint:
            return SyncFingerprint.byteCount
        case .itemList(let items):
            return itemsByteCount(items, base: base)
        case .difference(let difference):
            var total = itemsByteCount(difference.senderOnly, base: base)
            total += Varint.byteCount(UInt64(difference.receiverOnlyPositions.count))
            var next = 0
            for position in difference.receiverOnlyPositions {
                total += Varint.byteCount(UInt64(position - next))
                next = position + 1
            }
            return total
        }
    }

    /// Bytes of a counted item list whose times are gaps from `base`.
    public static func itemsByteCount(_ items: [SyncItem], base: UInt64) -> Int {
        var total = Varint.byteCount(UInt64(items.count))
        var previous = base
        for item in items {
            total += Varint.byteCount(item.created.milliseconds - previous) + MessageID.byteCount
            previous = item.created.milliseconds
        }
        return total
    }
}
