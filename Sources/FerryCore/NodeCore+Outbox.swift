import FerryStore
import FerryWire

/// One own message not yet delivered, as `ferry outbox` shows it ("where is my message?").
public struct OutboxEntry: Sendable, Equatable {
    public var id: MessageID
    public var destination: Address
    public var createdAt: Timestamp
    /// Copies handed on to relays so far (the initial budget minus what this node keeps).
    public var copiesOut: Int
    /// When it was last offered on a link (since this node started), if at all.
    public var lastOffered: Timestamp?
    /// Links it is in flight on right now.
    public var inflightLinks: Int
}

extension NodeCore {
    /// Own messages not yet delivered, oldest first, at most `limit`.
    public func outbox(limit: Int) throws -> [OutboxEntry] {
        try store.ownPending(limit: limit).map { message in
            let key = message.key
            return OutboxEntry(
                id: message.id, destination: message.destination, createdAt: message.createdAt,
                copiesOut: max(0, Int(limits.sprayCopiesInitial) - Int(message.copies)), lastOffered: lastOffered[key],
                inflightLinks: sessions.keys.filter { inflight[InflightKey(key: key, link: $0)] != nil }.count)
        }
    }
}
