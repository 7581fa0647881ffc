import FerryWire

/// The in-memory store's custody rows, with the lookups the protocol reads kept up to date on every
/// change: the core asks for bytes per origin or destination on every message it takes, and the
/// simulator runs thousands of stores, so those reads must not walk everything held.
///
/// A value type, so a commit snapshots it by copying (InMemoryMessageStore).
struct CustodyTable {
    private struct KindAndAddress: Hashable {
        var kind: CustodyKind
        var address: Address
    }

    private(set) var rows: [CustodyKey: HeldMessage] = [:]
    private var keysBySeq: [Int64: CustodyKey] = [:]
    /// Every row, delivered or not.
    private var order = SeqIndex()
    private var seqsByID: [MessageID: SeqIndex] = [:]
    // The rest counts undelivered rows only ("pending"), as the protocol's reads do.
    private var pendingByKind: [CustodyKind: SeqIndex] = [:]
    private var pendingByDestination: [Address: SeqIndex] = [:]
    private var usageByKind: [CustodyKind: CustodyUsage] = [:]
    private var bytesByOrigin: [KindAndAddress: Int] = [:]
    private var bytesByDestination: [KindAndAddress: Int] = [:]

    // MARK: Changes

    /// Adds a row whose key is not held yet.
    mutating func insert(_ message: HeldMessage) {
        precondition(rows[message.key] == nil && keysBySeq[message.seq] == nil, "custody row inserted twice")
        rows[message.key] = message
        keysBySeq[message.seq] = message.key
        order.insert(message.seq)
        seqsByID[message.id, default: SeqIndex()].insert(message.seq)
        account(message, sign: 1)
    }

    /// Replaces a held row with `message` (same key and seq).
    mutating func replace(_ message: HeldMessage) {
        guard let old = rows[message.key] else { return }
        precondition(old.seq == message.seq, "a custody row keeps its seq")
        account(old, sign: -1)
        rows[message.key] = message
        account(message, sign: 1)
    }

    /// Removes the row with `key`, if held.
    mutating func remove(_ key: CustodyKey) {
        guard let message = rows.removeValue(forKey: key) else { return }
        account(message, sign: -1)
        keysBySeq[message.seq] = nil
        order.remove(message.seq)
        seqsByID[message.id]?.remove(message.seq)
        if seqsByID[message.id]?.count == 0 { seqsByID[message.id] = nil }
    }

    /// Adds (`sign` 1) or takes away (-1) an undelivered row from the pending indexes and sums.
    private mutating func account(_ message: HeldMessage, sign: Int) {
        guard message.isPending else { return }
        let kind = message.kind
        let destination = KindAndAddress(kind: kind, address: message.destination)
        if sign > 0 {
            pendingByKind[kind, default: SeqIndex()].insert(message.seq)
            pendingByDestination[message.destination, default: SeqIndex()].insert(message.seq)
        } else {
            pendingByKind[kind]?.remove(message.seq)
            pendingByDestination[message.destination]?.remove(message.seq)
            if pendingByDestination[message.destination]?.count == 0 { pendingByDestination[message.destination] = nil }
        }
        usageByKind[kind, default: CustodyUsage()].count += sign
        usageByKind[kind, default: CustodyUsage()].bytes += sign * message.size
        bytesByDestination[destination, default: 0] += sign * message.size
        if bytesByDestination[destination] == 0 { bytesByDestination[destination] = nil }
        if let origin = message.origin {
            let key = KindAndAddress(kind: kind, address: origin)
            bytesByOrigin[key, default: 0] += sign * message.size
            if bytesByOrigin[key] == 0 { bytesByOrigin[key] = nil }
        }
    }

    // MARK: Reads

    func message(withSeq seq: Int64) -> HeldMessage? { keysBySeq[seq].flatMap { rows[$0] } }

    func withID(_ id: MessageID, limit: Int) -> [HeldMessage] {
        (seqsByID[id]?.seqs ?? []).prefix(limit).compactMap(message(withSeq:))
    }

    /// Undelivered rows after `afterSeq` in seq order, of `destination` if given, that `include`
    /// accepts, at most `limit`.
    func pending(
        for destination: Address?, afterSeq: Int64, limit: Int, where include: (HeldMessage) -> Bool
    ) -> [HeldMessage] {
        let seqs: ArraySlice<Int64>
        if let destination {
            seqs = pendingByDestination[destination]?.after(afterSeq) ?? []
        } else {
            seqs = order.after(afterSeq)
        }
        var result: [HeldMessage] = []
        for seq in seqs where result.count < limit {
            guard let message = message(withSeq: seq), message.isPending, include(message) else { continue }
            result.append(message)
        }
        return result
    }

    /// Undelivered rows of `kind`, in seq order, at most `limit` (all of them when nil).
    func pending(_ kind: CustodyKind, limit: Int? = nil) -> [HeldMessage] {
        let seqs = pendingByKind[kind]?.seqs ?? []
        return seqs.prefix(limit.map { max($0, 0) } ?? seqs.count).compactMap(message(withSeq:))
    }

    func usage(_ kind: CustodyKind) -> CustodyUsage { usageByKind[kind] ?? CustodyUsage() }

    func bytes(_ kind: CustodyKind, origin: Address) -> Int {
        bytesByOrigin[KindAndAddress(kind: kind, address: origin)] ?? 0
    }

    func bytes(_ kind: CustodyKind, destination: Address) -> Int {
        bytesByDestination[KindAndAddress(kind: kind, address: destination)] ?? 0
    }

    /// Every row `include` accepts, in seq order.
    func all(where include: (HeldMessage) -> Bool) -> [HeldMessage] {
        order.seqs.compactMap(message(withSeq:)).filter(include)
    }
}
