import FerryCore
import FerryWire
import XCTest

/// Any number of test nodes joined by in-memory links on one manual clock: like `CorePair`, for
/// tests of link bounds where many peers dial one node. Bytes are delivered until all are quiet.
final class TestNet {
    var now = CoreTime(wall: Timestamp(milliseconds: 1_000_000), monotonic: MonotonicTime(milliseconds: 5_000))
    private var nextLink: UInt64 = 1
    /// Each live link end → the other end.
    private var peers: [End: End] = [:]
    private var wire: [(to: End, from: End, bytes: [UInt8])] = []

    struct End: Hashable {
        let node: ObjectIdentifier
        let link: LinkID
    }

    private var nodes: [ObjectIdentifier: TestNode] = [:]

    /// `dialler` opens a link to `listener`, appearing to come from `host`. Returns the link ids
    /// (dialler's side, listener's side) after the bytes settle.
    @discardableResult
    func dial(_ dialler: TestNode, _ listener: TestNode, from host: String = "198.18.0.9") -> (LinkID, LinkID) {
        let out = LinkID(nextLink)
        let into = LinkID(nextLink + 1)
        nextLink += 2
        nodes[ObjectIdentifier(dialler)] = dialler
        nodes[ObjectIdentifier(listener)] = listener
        let outEnd = End(node: ObjectIdentifier(dialler), link: out)
        let inEnd = End(node: ObjectIdentifier(listener), link: into)
        peers[outEnd] = inEnd
        peers[inEnd] = outEnd
        apply(dialler.core.linkOpened(out, engine: PlainEngine(publicKey: dialler.core.identity.signingPublicKey),
                                      outbound: true, expectedPeer: nil, endpoint: "198.18.1.1:7000", now: now), at: dialler)
        apply(listener.core.linkOpened(into, engine: PlainEngine(publicKey: listener.core.identity.signingPublicKey),
                                       outbound: false, expectedPeer: nil, endpoint: "\(host):\(40_000 + out.value)", now: now), at: listener)
        run()
        return (out, into)
    }

    /// Closes one link as a network failure would: both ends learn of it.
    func close(_ node: TestNode, _ link: LinkID) {
        let end = End(node: ObjectIdentifier(node), link: link)
        guard let other = peers.removeValue(forKey: end) else { return }
        peers[other] = nil
        apply(node.core.linkClosed(link, now: now), at: node)
        if let otherNode = nodes[other.node] { apply(otherNode.core.linkClosed(other.link, now: now), at: otherNode) }
        run()
    }

    func isOpen(_ node: TestNode, _ link: LinkID) -> Bool {
        peers[End(node: ObjectIdentifier(node), link: link)] != nil
    }

    func run(maxSteps: Int = 100_000) {
        var steps = 0
        while !wire.isEmpty {
            steps += 1
            precondition(steps < maxSteps, "net did not settle")
            let item = wire.removeFirst()
            guard peers[item.to] != nil, let receiver = nodes[item.to.node], let sender = nodes[item.from.node] else { continue }
            apply(sender.core.linkWritten(item.from.link, byteCount: item.bytes.count, now: now), at: sender)
            apply(receiver.core.linkReceived(item.to.link, bytes: item.bytes, now: now), at: receiver)
        }
    }

    func apply(_ actions: [CoreAction], at node: TestNode) {
        let key = ObjectIdentifier(node)
        for action in actions {
            switch action {
            case .send(let link, let bytes):
                let end = End(node: key, link: link)
                guard let other = peers[end] else { continue }
                wire.append((to: other, from: end, bytes: bytes))
            case .close(let link):
                node.closedLinks.append(link)
                let end = End(node: key, link: link)
                guard let other = peers.removeValue(forKey: end) else { continue }
                peers[other] = nil
                if let otherNode = nodes[other.node] {
                    apply(otherNode.core.linkClosed(other.link, now: now), at: otherNode)
                }
            case .linkEstablished, .linkRejected, .delivered, .proofAccepted, .storeFailed, .log, .dial, .beacon:
                node.record(action)
            }
        }
    }
}
