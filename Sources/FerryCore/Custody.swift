import FerryStore
import FerryWire

/// What this node holds for others, under the relay quotas (CoreLimits): a stranger can fill only
/// its share, and own messages are never evicted. Decisions only; the store does the bookkeeping,
/// `CustodySums` the sums.
struct Custody {
    let store: MessageStore
    let limits: CoreLimits

    enum Outcome {
        /// Taken into custody; `evicted` are relay copies dropped to make room.
        case stored(HeldMessage, evicted: [CustodyKey])
        /// This node already holds the same (id, ack hash).
        case alreadyHeld
        /// Over the origin's or the destination's share, or larger than the whole quota.
        case overQuota(String)
    }

    /// Takes a mailbox copy on a coordinator: within the quota per address and in all, never by
    /// evicting someone else's mail (a flood for one address is refused, `quota`).
    func holdMailbox(_ message: HeldMessage, usage: inout CustodySums) throws -> Outcome {
        if usage.contains(message.key) { return .alreadyHeld }
        let forAddress = usage.bytes(forDestination: message.destination)
        if forAddress + message.size > limits.mailboxBytesPerAddressMax {
            return .overQuota("the mailbox of \(message.destination.text) holds \(forAddress) bytes already")
        }
        if usage.totalBytes + message.size > limits.mailboxBytesMax { return .overQuota("the mailboxes are full") }
        guard let stored = try store.hold(message) else { return .alreadyHeld }
        usage.add(stored)
        return .stored(stored, evicted: [])
    }

    /// Takes a relay copy if the quotas allow, evicting relay copies (nearest expiry, most copies
    /// spent) when only the total is full.
    func holdRelay(_ message: HeldMessage, usage: inout CustodySums) throws -> Outcome {
        if usage.contains(message.key) { return .alreadyHeld }
        let size = message.size
        if let origin = message.origin, usage.bytes(fromOrigin: origin) + size > limits.relayBytesPerOriginMax {
            return .overQuota("\(usage.bytes(fromOrigin: origin)) bytes from that peer already")
        }
        if usage.bytes(forDestination: message.destination) + size > limits.relayBytesPerDestinationMax {
            return .overQuota("\(usage.bytes(forDestination: message.destination)) bytes for that destination already")
        }
        guard size <= limits.relayBytesMax else { return .overQuota("larger than the relay quota") }
        var evicted: [CustodyKey] = []
        // Bounded: each pass evicts at least one copy or stops; the quota holds few enough copies.
        for _ in 0..<Self.evictionPassesMax where usage.totalBytes + size > limits.relayBytesMax {
            let candidates = try store.evictionCandidates(.relay, limit: Self.evictionBatchMax)
            if candidates.isEmpty { break }
            for candidate in candidates where usage.totalBytes + size > limits.relayBytesMax {
                if try store.release(candidate.key) {
                    evicted.append(candidate.key)
                    usage.remove(candidate.key)
                }
            }
        }
        guard usage.totalBytes + size <= limits.relayBytesMax else { return .overQuota("relay quota full") }
        guard let stored = try store.hold(message) else { return .alreadyHeld }
        usage.add(stored)
        return .stored(stored, evicted: evicted)
    }

    static let evictionPassesMax = 64
    static let evictionBatchMax = 32
}

/// How a held message may be offered to one peer (spray-and-wait, DESIGN.md §Routing).
enum Offer: Equatable {
    /// The peer is the destination: send it as it is.
    case direct
    /// The peer is a coordinator that keeps the destination's mail: hand it a mailbox copy.
    case handoff
    /// Hand `give` of our copies to a relay and keep `keep`.
    case spray(give: UInt16, keep: UInt16)
}

/// What a peer is to one message's routing.
struct PeerRole {
    /// The peer is a coordinator.
    var isCoordinator = false
    /// It is one of the message's destination's home coordinators.
    var isHome = false
}

/// The routing rules, pure (DESIGN.md §Routing: direct, coordinator, mesh): direct to the
/// destination always; an own message to the destination's home coordinators; mailbox copies only
/// to the destination or between coordinators; to a relay only while the mesh is allowed for the
/// message, with more than one copy to share, hops left, never back to where it came from, never
/// expired or delivered.
enum Router {
    static func offer(
        _ message: HeldMessage, to peer: Address, capabilities: Hello.Capabilities, now: Timestamp,
        role: PeerRole = PeerRole(), meshAllowed: Bool = true
    ) -> Offer? {
        guard message.isPending, message.expiresAt > now, canCrossALink(message) else { return nil }
        if message.destination == peer { return .direct }
        switch message.kind {
        case .mailbox: return role.isCoordinator && message.origin != peer ? .handoff : nil
        case .own where role.isHome: return .handoff
        case .own, .relay: break
        }
        guard meshAllowed, !role.isCoordinator, capabilities.contains(.relay), message.origin != peer, message.copies > 1 else { return nil }
        // The relay must be able to cross one more link itself, to the destination.
        guard hopsLeftOnTheWire(message) > 1 else { return nil }
        let give = message.copies / 2
        return .spray(give: give, keep: message.copies - give)
    }

    /// An own message has crossed no link yet; a held copy with `hopsLeft` v arrived on its v-th last
    /// allowed link and may cross another only if v > 1 (PROTOCOL.md §Envelope: hops).
    static func canCrossALink(_ message: HeldMessage) -> Bool {
        message.kind == .own || message.hopsLeft > 1
    }

    /// The hops-left value to write into the envelope offered on: own messages go out with their hop
    /// limit, a forwarder decrements.
    static func hopsLeftOnTheWire(_ message: HeldMessage) -> UInt8 {
        message.kind == .own ? message.hopsLeft : message.hopsLeft &- 1
    }

    /// The envelope bytes to send for an offer: the held envelope with its unauthenticated tail
    /// (hops left, copies) rewritten.
    static func envelopeBytes(_ message: HeldMessage, offer: Offer) throws -> [UInt8] {
        var envelope = try Envelope.decode(message.envelope)
        envelope.hopsLeft = hopsLeftOnTheWire(message)
        switch offer {
        case .direct, .handoff: envelope.copies = 1
        case .spray(let give, _): envelope.copies = give
        }
        return envelope.encoded()
    }
}
