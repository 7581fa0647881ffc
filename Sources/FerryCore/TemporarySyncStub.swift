// TEMPORARY: stands in for the reconciliation of branch h-sync until it is merged. Delete on merge.
import FerryWire

struct SyncItems {
    mutating func insert(timestamp: Timestamp, id: MessageID) {}
    mutating func remove(timestamp: Timestamp, id: MessageID) {}
}

struct SyncMessage {
    static func decode(_ bytes: [UInt8]) throws -> SyncMessage { SyncMessage() }
    func encoded() -> [UInt8] { [1] }
}

struct Reconciler {
    struct Round {
        var reply: SyncMessage?
        var have: [MessageID]
        var need: [MessageID]
    }
    init(items: SyncItems) {}
    mutating func initiate() -> SyncMessage { SyncMessage() }
    mutating func respond(to message: SyncMessage) throws -> Round { Round(reply: nil, have: [], need: []) }
}

enum SyncLimits {
    static let roundsMax = 32
}
