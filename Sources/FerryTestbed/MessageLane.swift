/// The lane of the charts a message is drawn in: the path its delivery took, or undelivered. Paths
/// are what the recipient's inbox reports; a path the report does not know (a newer node, a typo in a
/// hand-made report) goes to `other` rather than being dropped.
enum MessageLane: Int, CaseIterable, Comparable {
    case direct
    case coordinator
    case mesh
    case other
    case undelivered

    init(_ message: MessageRecord) {
        guard message.deliveredMs != nil else {
            self = .undelivered
            return
        }
        switch message.path {
        case "direct": self = .direct
        case "coordinator": self = .coordinator
        case "mesh": self = .mesh
        default: self = .other
        }
    }

    /// The label in the charts and the legend; also the CSS class that colours the lane.
    var name: String {
        switch self {
        case .direct: return "direct"
        case .coordinator: return "coordinator"
        case .mesh: return "mesh"
        case .other: return "other"
        case .undelivered: return "undelivered"
        }
    }

    static func < (lhs: MessageLane, rhs: MessageLane) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The lanes a chart draws for `messages`: the three paths and undelivered always, so two runs'
    /// pages line up; `other` only when some message took a path the report does not know.
    static func shown(for messages: [MessageRecord]) -> [MessageLane] {
        let hasOther = messages.contains { MessageLane($0) == .other }
        return allCases.filter { $0 != .other || hasOther }
    }
}
