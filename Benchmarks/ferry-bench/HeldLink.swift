import FerryCrypto
import FerryLoop
import FerryTLS
import FerryWire
import Foundation

/// One authenticated link the load tool of scenario 12 holds to a coordinator, as a node would make
/// it (docs/PROTOCOL.md §Link session): a self-made identity, TLS 1.3 as the client on FerryTLS's
/// engine with that identity's certificate, our hello (no capabilities, not listening) sent as soon
/// as TLS is up, the coordinator's hello awaited; after that it only answers pings with pongs.
/// Loop-confined, not `Sendable`: made, driven and closed on the holder's loop.
final class HeldLink {
    enum Phase: Equatable {
        case connecting
        case handshaking
        case awaitingHello
        case established
        case ended
    }

    enum Event {
        case established
        /// The link ended, and why; `wasEstablished` tells a link lost while held from one that
        /// never got there.
        case ended(why: String, wasEstablished: Bool)
        case pongSent
    }

    private(set) var phase: Phase = .connecting
    private let engine: OpenSSLEngine
    private var stream: TCPStream?
    private var decoder = FrameDecoder()
    private let report: (Event) -> Void

    /// Starts connecting to 127.0.0.1:`port`; `report` hears every change, always from the loop.
    init(identity: NodeIdentity, record: IdentityRecord, loop: Loop, port: UInt16, report: @escaping (Event) -> Void) throws {
        let context = try TLSContext(ed25519PrivateKeySeed: identity.signingSeed)
        engine = try context.makeEngine(role: .client)
        // The engine keeps plaintext sent before the handshake completes and writes it right after
        // its Finished: our hello goes out in the same flight.
        try engine.send(plaintext: Frame.hello(Hello(record: record.encoded(), listenPort: 0, capabilities: [])).encoded())
        self.report = report
        TCPStream.connect(loop: loop, host: "127.0.0.1", port: port) { [weak self] result in self?.connected(result) }
    }

    /// Closes without reporting: the holder is done with every link.
    func close() {
        phase = .ended
        stream?.close()
        stream = nil
    }

    private func connected(_ result: Result<TCPStream, LoopError>) {
        switch result {
        case .failure(let error):
            end("connect: \(error.message)")
        case .success(let stream):
            guard phase == .connecting else { return stream.close() }
            self.stream = stream
            stream.setNoDelay(true)
            phase = .handshaking
            stream.startReading(
                onData: { [weak self] bytes in self?.received(bytes) },
                onClose: { [weak self] error in self?.end(error.map { "link: \($0.message)" } ?? "the coordinator closed the connection") })
            flush()
        }
    }

    private func received(_ bytes: [UInt8]) {
        do {
            let plaintext = try engine.receive(ciphertext: bytes)
            if phase == .handshaking && engine.isHandshakeComplete { phase = .awaitingHello }
            for frame in try decoder.push(plaintext) { try handle(frame) }
            flush()
        } catch {
            flush()
            end("\(error)")
        }
    }

    private func handle(_ frame: Frame) throws {
        switch frame {
        case .hello:
            guard phase == .awaitingHello else { return }
            phase = .established
            report(.established)
        case .ping(let nonce):
            try engine.send(plaintext: Frame.pong(nonce: nonce).encoded())
            report(.pongSent)
        case .close(let reason, _):
            end("closed by the coordinator: \(reason)")
        case .envelope, .proof, .refuse, .pong, .hopAck, .sync, .want, .endpoints, .announce, .unknown:
            // Nothing is asked of a node that announced no capability; whatever else comes is ignored.
            break
        }
    }

    private func flush() {
        let output = engine.takeOutput()
        if !output.isEmpty { stream?.write(output) }
    }

    private func end(_ why: String) {
        guard phase != .ended else { return }
        let wasEstablished = phase == .established
        phase = .ended
        stream?.close()
        stream = nil
        report(.ended(why: why, wasEstablished: wasEstablished))
    }
}
