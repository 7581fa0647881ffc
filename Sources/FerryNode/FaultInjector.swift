import FerryCore
import FerryLoop
import FerryWire

/// The fault state of a node started with `--testing` (docs/CONTROL.md §Faults): the table of
/// faults, who each link is with, the writes impaired links hold back, and the dials to cut peers
/// waiting for the heal. A node without `--testing` has none of this. Loop-confined, not `Sendable`.
final class FaultInjector {
    var table = FaultTable()
    /// Each open link: whom the handshake named (nil until then), and the endpoint dialled.
    var links: [LinkID: FaultLink] = [:]
    /// Writes held back per impaired link.
    var delayed: [LinkID: DelayedWrites] = [:]
    /// Seed dials to a cut peer, made when it is healed; at most `parkedDialsMax`.
    var parkedDials: [(peer: Address, request: DialRequest)] = []
    /// Releases held writes when the earliest is due.
    let timer: LoopTimer

    /// Dials parked at most; a seed dial past it fails (and is retried with backoff) instead.
    static let parkedDialsMax = 256

    init(loop: Loop) throws {
        timer = try LoopTimer(loop: loop)
    }

    /// The earliest held write, over all links.
    var nextDue: UInt64? { delayed.values.compactMap(\.nextDue).min() }

    /// The link is gone: forget it and what it held.
    func linkClosed(_ link: LinkID) {
        links[link] = nil
        delayed[link] = nil
    }

    func close() {
        timer.close()
        parkedDials = []
        delayed = [:]
    }
}

/// What the fault hook knows of one link.
struct FaultLink {
    /// The peer, once the TLS handshake named it.
    var peer: Address?
    /// `host:port` for a link we dialled.
    let dialled: String?
}
