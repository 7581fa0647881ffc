import FerryControl

/// Every message the runner sent, and what the recipients' inboxes showed of it: matched by
/// message id, first delivery wins, later showings count as duplicates.
struct DeliveryLog {
    private(set) var records: [MessageRecord] = []
    private var indexByID: [String: Int] = [:]
    /// Inbox lines for ids not (yet) sent by this run, by id: a delivery read before its send reply.
    private var early: [String: [(node: String, item: InboxItem, atMs: UInt64)]] = [:]
    /// When the latest first delivery happened (0 before any).
    private(set) var lastDeliveryMs: UInt64 = 0
    private(set) var deliveredCount = 0
    /// First deliveries per recipient, for the live view.
    private(set) var deliveredTo: [String: Int] = [:]

    var sentCount: Int { records.count }
    var allDelivered: Bool { deliveredCount == records.count }

    /// Records a message the `send` op accepted.
    mutating func sent(id: String, from: String, to: String, atMs: UInt64) {
        indexByID[id] = records.count
        records.append(MessageRecord(id: id, from: from, to: to, sentMs: atMs))
        for pending in early.removeValue(forKey: id) ?? [] { observe(pending.item, at: pending.node, atMs: pending.atMs) }
    }

    /// Records an inbox line of `node`, delivered at `atMs` (run time). Returns the record when this
    /// was its first delivery.
    @discardableResult
    mutating func observe(_ item: InboxItem, at node: String, atMs: UInt64) -> MessageRecord? {
        guard let index = indexByID[item.id] else {
            if early.count < TestbedLimits.messagesMax { early[item.id, default: []].append((node, item, atMs)) }
            return nil
        }
        guard records[index].to == node else { return nil }
        if records[index].deliveredMs != nil {
            records[index].duplicates += 1
            return nil
        }
        records[index].deliveredMs = max(atMs, records[index].sentMs)
        records[index].path = item.path
        records[index].hops = item.hops
        deliveredCount += 1
        deliveredTo[node, default: 0] += 1
        lastDeliveryMs = max(lastDeliveryMs, atMs)
        return records[index]
    }

    /// Time from each fault to the first delivery of a message sent at or after it.
    static func recovery(of faults: [FaultRecord], messages: [MessageRecord]) -> [FaultRecord] {
        faults.map { fault in
            var recovered = fault
            recovered.recoveryMs = messages.compactMap { message -> UInt64? in
                guard message.sentMs >= fault.atMs, let delivered = message.deliveredMs else { return nil }
                return delivered - fault.atMs
            }.min()
            return recovered
        }
    }
}
