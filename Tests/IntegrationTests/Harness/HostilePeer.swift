import FerryCrypto
import FerryTLS
import FerryWire
import Foundation

/// A Ferry peer the test plays, over a real TCP connection to 127.0.0.1: TLS 1.3 as a client with
/// its own self-made identity (FerryTLS, the node's own TLS code), hello, frames in and out; or,
/// with `accept`, the TLS server a node dials. It does only what the test tells it: it reads
/// only inside `pump`/`awaitFrame` (so it stops reading simply by not calling them), can write
/// bytes that are not frames, and can end the connection with a reset.
/// Not `Sendable`: owned by one test, which closes it.
final class HostilePeer {
    let me: HostileIdentity
    let port: UInt16
    let socket: RawSocket
    private let context: TLSContext
    private let engine: OpenSSLEngine
    private var decoder = FrameDecoder()
    /// Every frame the node sent, in order.
    private(set) var frames: [Frame] = []
    /// True once the node closed (or reset) the TCP connection.
    private(set) var ended = false
    /// The node's address, from the key in its TLS certificate.
    private(set) var nodeAddress: Address?

    /// How long a link (TLS handshake and hello) may take.
    static let linkSecondsMax: TimeInterval = 10
    /// How long one read waits before the deadline is checked again.
    static let readSliceMilliseconds: Int32 = 100
    /// How long one write of the test's may take before the node counts as not reading.
    static let writeSecondsMax: TimeInterval = 10

    /// Connects and sends the TLS ClientHello. `receiveBufferBytes` shrinks the socket's receive
    /// buffer, for tests where this peer stops reading.
    convenience init(_ me: HostileIdentity, port: UInt16, receiveBufferBytes: Int32? = nil) throws {
        try self.init(me, socket: try RawSocket(connectingTo: port, receiveBufferBytes: receiveBufferBytes), port: port, role: .client)
    }

    /// Plays the node being dialled: takes the next connection on `listener` as a TLS server.
    static func accept(_ me: HostileIdentity, from listener: RawListener, seconds: TimeInterval) throws -> HostilePeer {
        try HostilePeer(me, socket: try listener.accept(seconds: seconds), port: listener.port, role: .server)
    }

    private init(_ me: HostileIdentity, socket: RawSocket, port: UInt16, role: TLSRole) throws {
        self.me = me
        self.port = port
        self.socket = socket
        context = try TLSContext(ed25519PrivateKeySeed: me.identity.signingSeed)
        engine = try context.makeEngine(role: role)
        try flushTLS()
    }

    /// True once the TLS handshake completed on this side.
    var isHandshakeComplete: Bool { engine.isHandshakeComplete }

    /// The address in the certificate the other side presented, once the handshake completed:
    /// for a server, who dialled it.
    var remoteAddress: Address? { engine.peerSigningKey.map { Digests.address(signingKey: $0) } }

    deinit { socket.close() }

    /// Completes the TLS handshake, sends our hello and waits for the node's.
    func link(seconds: TimeInterval = HostilePeer.linkSecondsMax) throws {
        try pump("the TLS handshake with the node on port \(port) completes", seconds: seconds) { self.engine.isHandshakeComplete }
        nodeAddress = remoteAddress
        try send(.hello(Hello(record: me.record.encoded(), listenPort: 0)))
        _ = try awaitFrame("the node's hello", seconds: seconds) {
            if case .hello = $0 { return true }
            return false
        }
    }

    // MARK: Writing

    /// Encrypts and writes frames (in one TLS write, as a node batches them).
    func send(_ frames: Frame...) throws {
        try writeRaw(try ciphertext(for: frames))
    }

    /// The TLS records for `frames`, without writing them: to cut a burst in the middle.
    func ciphertext(for frames: [Frame]) throws -> [UInt8] {
        try engine.send(plaintext: frames.flatMap { $0.encoded() })
        return engine.takeOutput()
    }

    /// Writes bytes as they are (TLS records, or anything else).
    func writeRaw(_ bytes: [UInt8], seconds: TimeInterval = HostilePeer.writeSecondsMax) throws {
        try socket.writeAll(bytes, seconds: seconds)
    }

    private func flushTLS() throws {
        let output = engine.takeOutput()
        if !output.isEmpty { try writeRaw(output) }
    }

    /// Ends the connection with a TCP reset (nothing more is read or written).
    func reset() { socket.resetConnection() }

    /// Closes the connection with a plain FIN.
    func close() { socket.close() }

    // MARK: Reading

    /// Reads what the node sends (answering TLS as needed) until `condition` holds; throws after
    /// `seconds`, or when the node closes the connection first.
    func pump(_ description: String, seconds: TimeInterval, until condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        let slicesMax = Int(seconds * 1000 / Double(Self.readSliceMilliseconds)) + 2
        for _ in 0..<slicesMax {
            if condition() { return }
            if ended { throw HarnessError("the node closed the connection before \(description)") }
            guard Date() < deadline else { break }
            try readOnce()
        }
        if condition() { return }
        throw HarnessError("timed out after \(seconds) s waiting until \(description)")
    }

    /// The first frame (received so far or later) that `matches`.
    func awaitFrame(_ description: String, seconds: TimeInterval, _ matches: (Frame) -> Bool) throws -> Frame {
        try pump(description, seconds: seconds) { frames.contains(where: matches) }
        return frames.first(where: matches)!
    }

    private func readOnce() throws {
        guard let bytes = try socket.readSome(timeoutMilliseconds: Self.readSliceMilliseconds) else {
            ended = true
            return
        }
        guard !bytes.isEmpty else { return }
        let plaintext = try engine.receive(ciphertext: bytes)
        // Handshake flights (our Finished, say) must go out even while no frame is due; a write
        // that fails means the other side is gone, which the next read reports.
        try? flushTLS()
        frames += try decoder.push(plaintext)
    }

    // MARK: Frames the node sent

    /// The proofs and refusals the node sent for message `id`.
    func answers(for id: MessageID) -> [Frame] {
        frames.filter {
            switch $0 {
            case .proof(let proof): return proof.id == id
            case .refuse(let refused, _): return refused == id
            case .hopAck(let acked, _): return acked == id
            case .hello, .envelope, .ping, .pong, .close, .sync, .want, .endpoints, .announce, .unknown: return false
            }
        }
    }

    /// The CLOSE frame's reason, if the node sent one.
    var closeReason: CloseReason? {
        for frame in frames { if case .close(let reason, _) = frame { return reason } }
        return nil
    }
}
