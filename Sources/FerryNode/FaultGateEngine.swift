import FerryCrypto
import FerryWire

/// A TLS engine that asks, the moment the handshake names the peer, whether a link with it is
/// allowed (a node started with `--testing`, docs/CONTROL.md §Faults). When it is not, it throws
/// before any application data is decrypted, so no frame of a cut peer reaches the core, and from
/// then on it says and sends nothing: the core closes the link without a goodbye. FerryCore is
/// untouched; a node without `--testing` never wraps its engines. Loop-confined, not `Sendable`.
final class FaultGateEngine: TLSEngine {
    private let inner: TLSEngine
    /// Called once, when the handshake completes; false refuses the link.
    private let admits: (Address) -> Bool
    private var asked = false
    /// The peer refused, once the gate has closed.
    private(set) var refused: Address?

    init(_ inner: TLSEngine, admits: @escaping (Address) -> Bool) {
        self.inner = inner
        self.admits = admits
    }

    /// Thrown once the handshake names a cut peer; the core logs it and closes the link.
    struct PeerCut: Error, CustomStringConvertible {
        let peer: Address
        var description: String { "\(peer) is cut by a testing fault (heal it on the control socket)" }
    }

    func receive(ciphertext: [UInt8]) throws -> [UInt8] {
        if let refused { throw PeerCut(peer: refused) }
        let plaintext = try inner.receive(ciphertext: ciphertext)
        if !asked, inner.isHandshakeComplete, let key = inner.peerSigningKey, key.count == IdentityRecord.signingKeyByteCount {
            asked = true
            let peer = Digests.address(signingKey: key)
            if !admits(peer) {
                refused = peer
                throw PeerCut(peer: peer)
            }
        }
        return plaintext
    }

    func send(plaintext: [UInt8]) throws {
        guard refused == nil else { return }
        try inner.send(plaintext: plaintext)
    }

    /// Nothing more leaves a refused link: not the client's Finished, not a close_notify.
    func takeOutput() -> [UInt8] {
        refused == nil ? inner.takeOutput() : []
    }

    /// False once refused, so the core sends no close frame on a link that never was.
    var isHandshakeComplete: Bool { refused == nil && inner.isHandshakeComplete }

    var peerSigningKey: [UInt8]? { inner.peerSigningKey }

    func shutdown() {
        guard refused == nil else { return }
        inner.shutdown()
    }
}
