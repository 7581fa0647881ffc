// TEMPORARY: bridges to the store API of the h-store branch until it is merged. Delete on merge.
import FerryStore
import FerryWire

extension MessageStore {
    func inbound(id: MessageID) throws -> [InboundMessage] {
        let one: InboundMessage? = try inbound(id: id)
        return one.map { [$0] } ?? []
    }
    func isSeen(id: MessageID, ackHash: [UInt8]) throws -> Bool { try isSeen(id: id) }
    func markSeen(id: MessageID, ackHash: [UInt8], until: Timestamp) throws { try markSeen(id: id, until: until) }
}
