import FerryWire

/// A `MessageStore` in memory, for core tests and the simulator. `commit()` does nothing:
/// nothing here survives the process, which is exactly what those uses want.
public final class InMemoryMessageStore: MessageStore {
    private var outboxByID: [MessageID: OutboundMessage] = [:]
    private var outboxOrder: [MessageID] = []
    private var inboxByID: [MessageID: InboundMessage] = [:]
    private var inboxOrder: [MessageID] = []
    private var seen: [MessageID: Timestamp] = [:]
    private var identities: [Address: [UInt8]] = [:]
    private var lastSeq: Int64 = 0
    private var lastOutboundSeq: Int64 = 0
    /// How many times `commit()` was called; tests use it to check group commit happens.
    public private(set) var commitCount = 0

    public init() {}

    public func addOutbound(_ message: OutboundMessage) throws {
        guard outboxByID[message.id] == nil else { throw StoreError.duplicate(message.id) }
        lastOutboundSeq += 1
        var stored = message
        stored.seq = lastOutboundSeq
        outboxByID[message.id] = stored
        outboxOrder.append(message.id)
    }

    public func outbound(id: MessageID) throws -> OutboundMessage? { outboxByID[id] }

    public func pendingOutbound(
        to destination: Address, now: Timestamp, afterSeq: Int64, limit: Int
    ) throws -> [OutboundMessage] {
        var result: [OutboundMessage] = []
        for id in outboxOrder where result.count < limit {
            guard let message = outboxByID[id], message.seq > afterSeq else { continue }
            if message.destination == destination, message.isPending, message.expiresAt > now { result.append(message) }
        }
        return result
    }

    public func markDelivered(id: MessageID, at time: Timestamp) throws -> Bool {
        guard var message = outboxByID[id], message.deliveredAt == nil else { return false }
        message.deliveredAt = time
        outboxByID[id] = message
        return true
    }

    public func markReceipt(id: MessageID, receivedAt: Timestamp, openedAt: Timestamp) throws -> Bool {
        guard var message = outboxByID[id] else { return false }
        if message.deliveredAt == nil { message.deliveredAt = receivedAt }
        message.receiptAt = receivedAt
        message.openedAt = openedAt
        outboxByID[id] = message
        return true
    }

    public func expireOutbound(before now: Timestamp) throws -> Int {
        let expired = outboxOrder.filter { id in
            guard let message = outboxByID[id] else { return false }
            return message.isPending && message.expiresAt <= now
        }
        for id in expired { outboxByID[id] = nil }
        let gone = Set(expired)
        outboxOrder.removeAll { gone.contains($0) }
        return expired.count
    }

    public func addInbound(_ message: InboundMessage) throws -> InboundMessage? {
        guard inboxByID[message.id] == nil else { return nil }
        lastSeq += 1
        var stored = message
        stored.seq = lastSeq
        inboxByID[message.id] = stored
        inboxOrder.append(message.id)
        return stored
    }

    public func inbound(id: MessageID) throws -> InboundMessage? { inboxByID[id] }

    public func inbox(afterSeq: Int64, limit: Int) throws -> [InboundMessage] {
        var result: [InboundMessage] = []
        for id in inboxOrder where result.count < limit {
            if let message = inboxByID[id], message.seq > afterSeq { result.append(message) }
        }
        return result
    }

    public func markSeen(id: MessageID, until: Timestamp) throws {
        seen[id] = max(seen[id] ?? until, until)
    }

    public func isSeen(id: MessageID) throws -> Bool { seen[id] != nil }

    public func purgeSeen(before now: Timestamp) throws -> Int {
        let old = seen.filter { $0.value < now }.map(\.key)
        for id in old { seen[id] = nil }
        return old.count
    }

    public func putIdentity(_ record: [UInt8], for address: Address) throws { identities[address] = record }

    public func identity(for address: Address) throws -> [UInt8]? { identities[address] }

    public func counts() throws -> StoreCounts {
        let pending = outboxByID.values.filter(\.isPending).count
        return StoreCounts(
            outboxPending: pending, outboxDelivered: outboxByID.count - pending, inbox: inboxByID.count, relay: 0)
    }

    public func commit() throws { commitCount += 1 }
}
