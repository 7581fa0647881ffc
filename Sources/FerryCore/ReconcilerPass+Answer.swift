import FerryWire

extension ReconcilerPass {
    /// Bytes a difference range takes besides its entries: bound (≤ 28), mode (1), two counts (≤ 2 each).
    static let differenceOverheadBytes = 40

    /// Answers the peer's item list for one range by merging it with our items there: a
    /// difference where they differ, a skip if they do not. A long difference is split into
    /// stretches of at most `WireLimits.syncItemsPerListMax` entries per list; when the reply is
    /// full, it ends with what is done and a cut. Returns false if the reply was cut.
    mutating func answer(_ theirs: [SyncItem], ours: Range<Int>, lower: SyncBound, upper: SyncBound) -> Bool {
        let theirKeys = theirs.map(SyncKey.init)
        var chunk = DifferenceChunk(lower: lower, ourStart: ours.lowerBound, theirStart: 0)
        var room = builder.bytesLeft - Self.differenceOverheadBytes
        var mine = ours.lowerBound, their = 0
        var last: SyncKey?
        while mine < ours.upperBound || their < theirKeys.count {
            let ourKey = mine < ours.upperBound ? items.keys[mine] : SyncKey.infinity
            let theirKey = their < theirKeys.count ? theirKeys[their] : SyncKey.infinity
            let next = min(ourKey, theirKey)
            if let last, chunk.isFull {
                // This stretch has as many entries as a list may hold: close it and go on.
                let bound = last.bound(below: next)
                guard close(&chunk, at: bound, ourIndex: mine, theirIndex: their) else { return false }
                room = builder.bytesLeft - Self.differenceOverheadBytes
            }
            if ourKey == theirKey {
                mine += 1
                their += 1
            } else {
                let cost = ourKey < theirKey ? chunk.cost(ofItem: ourKey) : chunk.cost(ofPosition: their)
                guard chunk.bytes + cost <= room else {
                    // The reply is full: send the stretch so far, cut after it.
                    if let last, !chunk.isEmpty {
                        guard close(&chunk, at: last.bound(below: next), ourIndex: mine, theirIndex: their) else {
                            return false
                        }
                    }
                    cut(at: chunk.ourStart)
                    return false
                }
                if ourKey < theirKey {
                    chunk.add(ourKey)
                    mine += 1
                } else {
                    chunk.add(position: their, key: theirKey)
                    their += 1
                }
            }
            last = next
        }
        guard !chunk.isEmpty else {
            builder.skip(to: upper)
            return true
        }
        guard builder.append([chunk.range(upper: upper)]) else {
            cut(at: chunk.ourStart)
            return false
        }
        record(chunk)
        return true
    }

    /// What a difference we send settles for us too; recorded only once it is in the reply, since
    /// a stretch cut off will be settled again later.
    private mutating func record(_ chunk: DifferenceChunk) {
        have += chunk.senderOnly.map(\.id)
        need += chunk.receiverOnlyIDs
    }

    /// Appends the non-empty `chunk` ending at `bound` and starts the next one there; false if it
    /// did not fit (the reply is then cut where the chunk began).
    private mutating func close(
        _ chunk: inout DifferenceChunk, at bound: SyncBound, ourIndex: Int, theirIndex: Int
    ) -> Bool {
        guard builder.append([chunk.range(upper: bound)]) else {
            cut(at: chunk.ourStart)
            return false
        }
        record(chunk)
        chunk = DifferenceChunk(lower: bound, ourStart: ourIndex, theirStart: theirIndex)
        return true
    }
}

/// One stretch of a difference being built, with its encoded size kept exactly.
private struct DifferenceChunk {
    let ourStart: Int
    let theirStart: Int
    private(set) var senderOnly: [SyncItem] = []
    private(set) var positions: [Int] = []
    /// The ids at `positions`: the items the peer alone holds.
    private(set) var receiverOnlyIDs: [MessageID] = []
    /// Encoded size of the entries so far (not the counts, bound or mode).
    private(set) var bytes = 0
    /// Time the next item's gap is measured from: the lower bound's, then the previous item's.
    private var lastCreated: UInt64
    /// The position the next position's gap is measured from.
    private var nextPosition = 0

    init(lower: SyncBound, ourStart: Int, theirStart: Int) {
        self.ourStart = ourStart
        self.theirStart = theirStart
        if case .at(let created, _) = lower { lastCreated = created.milliseconds } else { lastCreated = 0 }
    }

    var isEmpty: Bool { senderOnly.isEmpty && positions.isEmpty }

    var isFull: Bool {
        senderOnly.count == WireLimits.syncItemsPerListMax || positions.count == WireLimits.syncItemsPerListMax
    }

    func cost(ofItem key: SyncKey) -> Int { Varint.byteCount(key.created - lastCreated) + MessageID.byteCount }

    func cost(ofPosition theirIndex: Int) -> Int { Varint.byteCount(UInt64(theirIndex - theirStart - nextPosition)) }

    mutating func add(_ key: SyncKey) {
        bytes += cost(ofItem: key)
        senderOnly.append(key.item)
        lastCreated = key.created
    }

    mutating func add(position theirIndex: Int, key: SyncKey) {
        bytes += cost(ofPosition: theirIndex)
        positions.append(theirIndex - theirStart)
        receiverOnlyIDs.append(key.id)
        nextPosition = theirIndex - theirStart + 1
    }

    func range(upper: SyncBound) -> SyncRange {
        SyncRange(
            upperBound: upper,
            mode: .difference(SyncDifference(senderOnly: senderOnly, receiverOnlyPositions: positions)))
    }
}
