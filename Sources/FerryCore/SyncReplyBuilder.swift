import FerryWire

/// Collects the ranges of one outgoing sync message and keeps it within its byte and range limits.
///
/// Adjacent skips are merged (only the last skip's bound is written), and the message always ends
/// at infinity. Room for one skip and one fingerprint is held back, so that when new work no
/// longer fits, `cut` can still close the message with a fingerprint over everything not yet
/// covered: the peer then splits that remainder afresh, and nothing is lost, only postponed.
struct SyncReplyBuilder {
    /// Bytes held back for `cut`: a skip (bound ≤ 28 bytes + mode) and an infinity fingerprint (18).
    static let cutReserveBytes = 64
    /// Ranges held back for `cut`.
    static let cutReserveRanges = 2

    private(set) var ranges: [SyncRange] = []
    private var writer = SyncMessageWriter()
    /// The bound a run of skipped ranges has reached; written only when something follows.
    private var pendingSkip: SyncBound?
    private let bytesMax: Int
    private let rangesMax: Int

    init(bytesMax: Int, rangesMax: Int = WireLimits.syncRangesPerMessageMax) {
        precondition(bytesMax > Self.cutReserveBytes + 1 && rangesMax > Self.cutReserveRanges, "limits too small")
        self.bytesMax = bytesMax - Self.cutReserveBytes
        self.rangesMax = rangesMax - Self.cutReserveRanges
    }

    /// Marks everything up to `bound` as settled.
    mutating func skip(to bound: SyncBound) { pendingSkip = bound }

    /// Bytes still free for new ranges once the pending skip is written.
    var bytesLeft: Int { bytesMax - writer.byteCount - writer.byteCount(of: pendingRanges) }

    /// Appends `new` after any pending skip if both fit; false (and nothing appended) otherwise.
    mutating func append(_ new: [SyncRange]) -> Bool {
        let all = pendingRanges + new
        guard ranges.count + all.count <= rangesMax, writer.byteCount + writer.byteCount(of: all) <= bytesMax else {
            return false
        }
        for range in all { write(range) }
        pendingSkip = nil
        return true
    }

    /// Ends the message with `fingerprint`, this side's fingerprint of everything from the last
    /// bound written (or pending) to infinity. Uses the reserved room, so it always fits.
    mutating func cut(remainder fingerprint: SyncFingerprint) {
        for range in pendingRanges { write(range) }
        pendingSkip = nil
        write(SyncRange(upperBound: .infinity, mode: .fingerprint(fingerprint)))
    }

    /// The finished message: a trailing skip to infinity is added unless the last range ends there.
    mutating func finish() -> SyncMessage {
        if ranges.last?.upperBound != .infinity {
            pendingSkip = nil
            write(SyncRange(upperBound: .infinity, mode: .skip))
        }
        return SyncMessage(ranges: ranges)
    }

    private var pendingRanges: [SyncRange] {
        pendingSkip.map { [SyncRange(upperBound: $0, mode: .skip)] } ?? []
    }

    private mutating func write(_ range: SyncRange) {
        writer.append(range)
        ranges.append(range)
    }
}
