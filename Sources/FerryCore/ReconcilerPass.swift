import FerryWire

/// The work of answering one sync message: walks its ranges in order against this side's items,
/// learns what differences settle, and builds the reply. Lives for one message.
struct ReconcilerPass {
    let items: SyncItems
    let limits: ReconcilerLimits
    var builder: SyncReplyBuilder
    var have: [MessageID] = []
    var need: [MessageID] = []

    init(items: SyncItems, limits: ReconcilerLimits) {
        self.items = items
        self.limits = limits
        builder = SyncReplyBuilder(bytesMax: limits.replyBytesMax)
    }

    /// Answers every range of `message`, or as many as fit in one reply (the rest is `cut`).
    mutating func run(_ message: SyncMessage) throws(SyncError) {
        // First find where the bounds fall among our items and which fingerprints differ: the
        // share that differs says how densely the differences lie, hence how wide to split.
        var bounds: [Int] = []
        bounds.reserveCapacity(message.ranges.count + 1)
        bounds.append(0)
        var mismatched: [Bool] = []
        var compared = 0, differing = 0
        for range in message.ranges {
            let lower = bounds[bounds.count - 1]
            let upper = max(lower, items.firstIndex(notBelow: SyncKey(range.upperBound)))
            bounds.append(upper)
            var differs = false
            if case .fingerprint(let theirs) = range.mode {
                differs = items.fingerprint(of: lower..<upper) != theirs
                compared += 1
                if differs { differing += 1 }
            }
            mismatched.append(differs)
        }
        let branching = limits.branching(mismatched: differing, compared: compared)

        var lower = SyncBound.zero
        for (index, range) in message.ranges.enumerated() {
            let ours = bounds[index]..<bounds[index + 1]
            switch range.mode {
            case .skip:
                builder.skip(to: range.upperBound)
            case .fingerprint:
                guard mismatched[index] else {
                    builder.skip(to: range.upperBound)
                    break
                }
                guard builder.append(split(ours, upper: range.upperBound, branching: branching)) else {
                    return cut(at: ours.lowerBound)
                }
            case .itemList(let theirs):
                guard answer(theirs, ours: ours, lower: lower, upper: range.upperBound) else { return }
            case .difference(let difference):
                try learn(difference, ours: ours)
                builder.skip(to: range.upperBound)
            }
            lower = range.upperBound
        }
    }

    /// Our ranges for a mismatched range holding `ours`: the items themselves if there are at most
    /// `itemListItemsMax`, else fingerprints of `branching` slices of (nearly) equal size, fewer
    /// if slices would hold under `sliceItemsMin` items. Slice bounds come from our items; the
    /// last slice ends at the range's own `upper`.
    func split(_ ours: Range<Int>, upper: SyncBound, branching: Int) -> [SyncRange] {
        let count = ours.count
        guard count > limits.itemListItemsMax else {
            return [SyncRange(upperBound: upper, mode: .itemList(ours.map { items[$0] }))]
        }
        let slices = min(branching, max(2, count / limits.sliceItemsMin))
        var ranges: [SyncRange] = []
        ranges.reserveCapacity(slices)
        var start = ours.lowerBound
        for slice in 1...slices {
            let end = ours.lowerBound + count * slice / slices
            let bound = slice == slices ? upper : items.keys[end - 1].bound(below: items.keys[end])
            ranges.append(SyncRange(upperBound: bound, mode: .fingerprint(items.fingerprint(of: start..<end))))
            start = end
        }
        return ranges
    }

    /// Records a difference the peer settled for a range where we hold `ours`.
    mutating func learn(_ difference: SyncDifference, ours: Range<Int>) throws(SyncError) {
        for item in difference.senderOnly {
            // The peer answers our item list: an item it says we lack, but hold, is a lie or a bug.
            guard !items.contains(item) else { throw .inconsistent("peer says we lack \(item), which we hold") }
            need.append(item.id)
        }
        for position in difference.receiverOnlyPositions {
            guard position < ours.count else {
                throw .inconsistent("position \(position) past our \(ours.count) items in the range")
            }
            have.append(items.keys[ours.lowerBound + position].id)
        }
    }

    /// Ends the reply with a fingerprint of our items from `index` on.
    mutating func cut(at index: Int) {
        builder.cut(remainder: items.fingerprint(of: index..<items.count))
    }
}
