/// One message of a set reconciliation between two nodes (docs/PROTOCOL.md §Set reconciliation).
///
/// A message is a sequence of adjacent ranges that together cover every possible item: the first
/// starts at `SyncBound.zero`, each ends at its `upperBound` where the next starts, and the last
/// ends at `.infinity`. Each range says what the sender knows or asks about its items there.
/// `SyncMessage.decode` accepts nothing else; the encoder expects a value that satisfies it.
public struct SyncMessage: Sendable, Equatable {
    /// Sync message format version (1 byte).
    public static let version: UInt8 = 0x01

    public var ranges: [SyncRange]

    public init(ranges: [SyncRange]) { self.ranges = ranges }

    /// Whether the receiver must answer: some range still asks a question (a fingerprint to check
    /// or an item list to compare). A message of skips and differences closes the sync.
    public var needsReply: Bool {
        ranges.contains { range in
            switch range.mode {
            case .fingerprint, .itemList: return true
            case .skip, .difference: return false
            }
        }
    }
}

/// One range of a sync message: its upper bound (its lower bound is the previous range's upper
/// bound, or `SyncBound.zero`) and what the sender says about the items in it.
public struct SyncRange: Sendable, Equatable {
    public var upperBound: SyncBound
    public var mode: SyncMode

    public init(upperBound: SyncBound, mode: SyncMode) {
        self.upperBound = upperBound
        self.mode = mode
    }
}

/// What a range carries (1-byte code on the wire).
public enum SyncMode: Sendable, Equatable {
    /// Nothing more to do here: the sender has matched or settled this range.
    case skip
    /// The digest of the sender's items in the range; the receiver compares it with its own.
    case fingerprint(SyncFingerprint)
    /// Every item the sender holds in the range, ascending; the receiver answers with a difference.
    case itemList([SyncItem])
    /// The answer to an item list: the range is settled and both sides know the result.
    case difference(SyncDifference)

    /// Mode codes (1 byte).
    public enum Kind: UInt8, Sendable {
        case skip = 0
        case fingerprint = 1
        case itemList = 2
        case difference = 3
    }

    public var kind: Kind {
        switch self {
        case .skip: return .skip
        case .fingerprint: return .fingerprint
        case .itemList: return .itemList
        case .difference: return .difference
        }
    }
}

/// The settled difference for one range, sent by the side that received the other's item list.
///
/// It costs bytes in proportion to the difference, not to the range: the items the receiver
/// lacks travel in full, the ones the sender lacks only as positions in the receiver's own list.
public struct SyncDifference: Sendable, Equatable {
    /// Items the sender holds in the range that the receiver does not, ascending.
    public var senderOnly: [SyncItem]
    /// Positions, counted from 0 in the receiver's own ascending items in this range, of the items
    /// the sender lacks. Strictly ascending.
    public var receiverOnlyPositions: [Int]

    public init(senderOnly: [SyncItem], receiverOnlyPositions: [Int]) {
        self.senderOnly = senderOnly
        self.receiverOnlyPositions = receiverOnlyPositions
    }
}
