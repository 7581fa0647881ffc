import FerryStore
import FerryWire

/// One offer on one link.
struct InflightKey: Hashable {
    let key: CustodyKey
    let link: LinkID
}

/// What an offer put on the line: its envelope bytes (the window counts them) and the copies it
/// hands on (0 for a direct offer), which come back to us if the offer is refused or lost.
struct Inflight {
    let bytes: Int
    let given: UInt16
    let kind: CustodyKind
}

extension NodeCore {
    /// Notes an offer in flight on `session`.
    func markInflight(_ key: CustodyKey, on session: LinkSession, bytes: Int, given: UInt16, kind: CustodyKind) {
        inflight[InflightKey(key: key, link: session.id)] = Inflight(bytes: bytes, given: given, kind: kind)
        session.inflightCount += 1
        session.inflightBytes += bytes
        session.inflightKeys[key.id, default: []].append(key)
    }

    /// The offer of `key` on `link` is answered (acked, proven or refused); returns what it was.
    @discardableResult
    func clearInflight(_ key: CustodyKey, on link: LinkID) -> Inflight? {
        guard let entry = inflight.removeValue(forKey: InflightKey(key: key, link: link)) else { return nil }
        if let session = sessions[link] {
            session.inflightCount -= 1
            session.inflightBytes -= entry.bytes
            session.inflightKeys[key.id]?.removeAll { $0 == key }
            if session.inflightKeys[key.id]?.isEmpty == true { session.inflightKeys[key.id] = nil }
        }
        return entry
    }

    /// Offers of `key` on every link are moot (the message was delivered). Per link, not per offer:
    /// a node has few links and may have thousands of offers out.
    func clearInflightEverywhere(_ key: CustodyKey) {
        for link in sessions.keys { clearInflight(key, on: link) }
    }

    /// An offer that handed copies on was refused or lost: the copies are ours again.
    func giveBack(_ entry: Inflight, of key: CustodyKey) throws {
        guard entry.given > 0, let held = try store.held(key), held.isPending else { return }
        try store.setCopies(key, copies: held.copies &+ entry.given)
    }

    /// A link is gone: its unanswered offers go back (copies returned). Another link to the same
    /// peer (there is one only while a duplicate is being settled) rewinds and takes them over.
    func releaseInflight(of session: LinkSession, now: CoreTime, actions: inout [CoreAction]) {
        let lost = inflight.filter { $0.key.link == session.id }
        for (entry, offer) in lost {
            inflight[entry] = nil
            do { try giveBack(offer, of: entry.key) } catch {
                actions.append(.storeFailed("returning copies of \(entry.key): \(error)"))
            }
        }
        guard let peer = session.peer else { return }
        for other in sessions.values where other.peer == peer {
            other.offeredThroughSeq = 0
            other.outboxExhausted = false
        }
        flushOutbound(to: peer, now: now, actions: &actions)
    }
}
