/// Seqs in ascending order, for the in-memory store's cursor reads (`…afterSeq:`): finding where a
/// cursor stands is a binary search, not a walk over everything held.
struct SeqIndex {
    private(set) var seqs: [Int64] = []

    var count: Int { seqs.count }

    /// Adds `seq`. New seqs are the largest yet, so this is an append except when a row comes back
    /// into an index it had left.
    mutating func insert(_ seq: Int64) {
        if let last = seqs.last, seq <= last {
            let position = firstPosition(notBelow: seq)
            guard position == seqs.count || seqs[position] != seq else { return }
            seqs.insert(seq, at: position)
        } else {
            seqs.append(seq)
        }
    }

    mutating func remove(_ seq: Int64) {
        let position = firstPosition(notBelow: seq)
        if position < seqs.count, seqs[position] == seq { seqs.remove(at: position) }
    }

    /// The seqs above `seq`, in order.
    func after(_ seq: Int64) -> ArraySlice<Int64> {
        guard seq < .max else { return [] }
        return seqs[firstPosition(notBelow: seq + 1)...]
    }

    private func firstPosition(notBelow seq: Int64) -> Int {
        var low = 0
        var high = seqs.count
        while low < high {
            let middle = (low + high) / 2
            if seqs[middle] < seq { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
