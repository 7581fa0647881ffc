import FerryWire

/// Why a sync ended with an error. Every case is something the peer did; the caller closes the
/// link (or at least ends the sync) and the reconciler refuses any further message.
public enum SyncError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The message bytes do not decode (`SyncMessage.decode`).
    case malformed(WireError)
    /// The sync received `ReconcilerLimits.roundsMax` messages without finishing.
    case tooManyRounds(max: Int)
    /// A message arrived after the sync had finished: nothing was asked that it could answer.
    case afterCompletion
    /// A message arrived after an earlier one had failed this sync.
    case alreadyFailed
    /// A difference contradicts this side's own items (it claims we lack an item we hold, or names
    /// a position past the items we hold in its range).
    case inconsistent(String)

    public var description: String {
        switch self {
        case .malformed(let error): return "malformed sync message: \(error)"
        case .tooManyRounds(let max): return "sync did not finish within \(max) messages"
        case .afterCompletion: return "sync message after the sync finished"
        case .alreadyFailed: return "sync message after the sync failed"
        case .inconsistent(let reason): return "inconsistent sync message: \(reason)"
        }
    }
}
