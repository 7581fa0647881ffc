import FerryCrypto
import FerryStore
import FerryWire

/// One reconciliation set: the sorted items the `Reconciler` works on, and the way back from an
/// item's sync id to the custody key it stands for. A sync id is the first 16 bytes of
/// SHA-256(message id ‖ ack hash), so a decoy reusing an id is a different item.
struct SyncIndex {
    private(set) var items = SyncItems()
    private var keys: [MessageID: CustodyKey] = [:]
    private var timestamps: [MessageID: Timestamp] = [:]

    static func syncID(_ key: CustodyKey) -> MessageID {
        // 16 bytes of a SHA-256 digest always make a MessageID.
        try! MessageID(bytes: Array(Digests.sha256(key.id.bytes + key.ackHash).prefix(MessageID.byteCount)))
    }

    mutating func insert(_ key: CustodyKey, at timestamp: Timestamp) {
        let id = Self.syncID(key)
        guard keys[id] == nil else { return }
        keys[id] = key
        timestamps[id] = timestamp
        items.insert(timestamp: timestamp, id: id)
    }

    mutating func remove(_ key: CustodyKey) {
        let id = Self.syncID(key)
        guard keys.removeValue(forKey: id) != nil, let timestamp = timestamps.removeValue(forKey: id) else { return }
        items.remove(timestamp: timestamp, id: id)
    }

    func key(for syncID: MessageID) -> CustodyKey? { keys[syncID] }

    var count: Int { keys.count }
}
