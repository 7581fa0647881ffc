import FerryWire

/// Who may hold a link, and how many: the bounds that keep one host or one self-made identity from
/// taking every slot (CoreLimits). Contacts, pinned seeds and links we dialled are never counted
/// as strangers, so there is always room for them.
extension NodeCore {
    /// The inbound connection still in its handshake to close for `newcomer`, if the bounds are
    /// full: the oldest from the same host, else the oldest of all.
    func handshakeToEvict(for newcomer: LinkSession) -> LinkID? {
        let waiting = sessions.values.filter { !$0.outbound && !$0.isEstablished }
        let sameHost = waiting.filter { $0.host == newcomer.host }
        if sameHost.count >= limits.handshakingLinksPerHostMax { return oldest(sameHost) }
        if waiting.count >= limits.handshakingLinksMax { return oldest(waiting) }
        return nil
    }

    private func oldest(_ sessions: [LinkSession]) -> LinkID? {
        sessions.min { $0.id.value < $1.id.value }?.id
    }

    /// Decides whether a link that just finished its hello may stay. Throws the failure that closes
    /// it; may instead close an older duplicate that loses the tie-break.
    func admit(_ session: LinkSession, peer: Address, now: CoreTime, actions: inout [CoreAction]) throws {
        if peer == address {
            throw LinkSession.Failure(reason: .wrongPeer, message: "this is a link to the node itself", rejection: .isSelf)
        }
        for other in sessions.values where other.id != session.id && other.isEstablished && other.peer == peer {
            if keeps(session, over: other, peer: peer) {
                counters.linksRefused += 1
                fail(other.id, duplicateFailure, now: now, actions: &actions)
            } else {
                throw duplicateFailure
            }
        }
        guard !session.outbound, !isTrustedPeer(peer) else { return }
        let strangers = sessions.values.filter { $0.id != session.id && $0.isEstablished && $0.isStranger }
        if strangers.count >= limits.strangerLinksMax {
            throw LinkSession.Failure(reason: .busy, message: "already \(strangers.count) links from strangers", rejection: .busy)
        }
        let fromHost = strangers.filter { $0.host == session.host }.count
        if fromHost >= limits.strangerLinksPerHostMax {
            throw LinkSession.Failure(reason: .busy, message: "already \(fromHost) links from strangers at \(session.host)", rejection: .busy)
        }
        session.isStranger = true
    }

    private var duplicateFailure: LinkSession.Failure {
        .init(reason: .duplicateLink, message: "another link to this peer is up", rejection: .duplicate)
    }

    /// The tie-break both ends compute alike: keep the link dialled by the smaller address; when the
    /// same node dialled both, keep the newer (the older is likely one its dialler gave up on).
    func keeps(_ newer: LinkSession, over older: LinkSession, peer: Address) -> Bool {
        let newerDialler = newer.outbound ? address : peer
        let olderDialler = older.outbound ? address : peer
        if newerDialler != olderDialler { return newerDialler < olderDialler }
        return newer.id.value > older.id.value
    }
}
