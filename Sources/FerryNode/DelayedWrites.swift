/// The writes an impaired link holds back (docs/CONTROL.md §Faults), in order: each is released at
/// its due time, never before the one queued ahead of it, as TCP delivers in order and a lost
/// segment holds everything behind it. Pure; times are the loop's monotonic milliseconds.
struct DelayedWrites {
    private var entries: [(due: UInt64, bytes: [UInt8])] = []
    /// Index of the first entry not yet released (entries before it are dropped in batches).
    private var head = 0
    /// Bytes held, for the link's write budget.
    private(set) var byteCount = 0
    /// The core asked to close the link while writes were held: close once they are out.
    var closeWhenDrained = false

    var isEmpty: Bool { head == entries.count }

    /// When the next write is due; nil when none is held.
    var nextDue: UInt64? { isEmpty ? nil : entries[head].due }

    /// Holds `bytes` until `now + holdMilliseconds`, or until the write ahead of it is due if later.
    /// Returns the due time.
    @discardableResult
    mutating func push(_ bytes: [UInt8], now: UInt64, holdMilliseconds: UInt64) -> UInt64 {
        let ahead = isEmpty ? 0 : entries[entries.count - 1].due
        let due = max(now + holdMilliseconds, ahead)
        entries.append((due, bytes))
        byteCount += bytes.count
        return due
    }

    /// Takes the writes due at `now`, in order.
    mutating func popDue(now: UInt64) -> [[UInt8]] {
        var due: [[UInt8]] = []
        while head < entries.count, entries[head].due <= now {
            due.append(entries[head].bytes)
            byteCount -= entries[head].bytes.count
            entries[head].bytes = []
            head += 1
        }
        if head == entries.count {
            entries = []
            head = 0
        } else if head >= Self.compactAfterEntries && head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return due
    }

    /// Released entries kept before the array is compacted, so a long queue is not shifted per pop.
    static let compactAfterEntries = 64
}
