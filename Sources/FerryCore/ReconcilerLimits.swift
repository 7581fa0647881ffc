import FerryWire

/// What a `Reconciler` allows a sync to cost, and how it splits ranges (STYLE.md: unit last).
///
/// The wire bounds (message bytes, ranges per message, items per list) are `WireLimits`, checked
/// when a message is decoded; these are the reconciler's own. They live here rather than in
/// `CoreLimits` until the reconciler is wired into `NodeCore`.
public struct ReconcilerLimits: Sendable {
    /// Messages one sync may receive. An honest sync of sparse differences takes about a dozen
    /// messages (8 for 100 in 100 000); a large one-sided difference takes one reply of the
    /// largest size per 7000 items, so 256 lets a sync move over a million, while a peer that
    /// never lets a sync end is stopped after 256 bounded messages.
    public var roundsMax = 256
    /// Largest reply this side writes; at most `WireLimits.syncMessageBytesMax`. A reply that
    /// would be larger is cut short and ends with one fingerprint over everything not yet covered.
    public var replyBytesMax = WireLimits.syncMessageBytesMax
    /// A mismatched range where this side holds at most this many items is answered with the items
    /// themselves instead of being split: below about four, an item list (about 19 bytes an item)
    /// is cheaper than another round of fingerprints (about 21 bytes a sub-range).
    public var itemListItemsMax = 4
    /// Fewest items a slice should hold, so that dense differences are not split into slices of
    /// one item, each costing a fingerprint that settles less than an item list would.
    public var sliceItemsMin = 2
    /// Sub-ranges the first message cuts the whole set into. Sets that differ at all nearly always
    /// differ in most of 16 ranges, so wider first cuts save rounds at little cost.
    public var initialBranching = 16
    /// Sub-ranges a mismatched range is cut into, fewest and most. When the differences are
    /// sparse (few of the ranges just compared mismatched) each range holds about one and narrow
    /// cuts find it for the fewest bytes (3 is the byte optimum: it minimises b / ln b); when most
    /// ranges mismatched they hold many, and wide cuts save rounds without wasting fingerprints.
    public var branchingMin = 3
    public var branchingMax = 16

    public init() {}

    /// How wide to cut mismatched ranges, from how many of the `compared` fingerprint ranges of
    /// the message being answered turned out to differ.
    func branching(mismatched: Int, compared: Int) -> Int {
        guard compared > 0 else { return branchingMax }
        // Fractions of mismatched ranges → expected differences per mismatched range (Poisson):
        // ≥ 7/8 → 3 or more; ≥ 3/5 → about 2; ≥ 3/10 → about 1.2; less → 1.
        if 8 * mismatched >= 7 * compared { return branchingMax }
        if 5 * mismatched >= 3 * compared { return max(branchingMin, min(branchingMax, 8)) }
        if 10 * mismatched >= 3 * compared { return max(branchingMin, min(branchingMax, 4)) }
        return branchingMin
    }
}
