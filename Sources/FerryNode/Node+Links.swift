import FerryCore
import FerryLoop
import FerryTLS
import FerryWire

/// The driver's half of links: it accepts connections and performs the dials the core asks for;
/// whom to dial, when, and with what backoff is the core's decision (FerryCore `Connections`).
extension Node {
    func newLinkID() -> LinkID {
        defer { nextLinkID += 1 }
        return LinkID(nextLinkID)
    }

    /// A peer dialled us. The core bounds handshakes and strangers; this bound only protects file
    /// descriptors, and it sits above the core's bounds so contacts always find room.
    func accepted(_ stream: TCPStream) {
        guard !stopping else { return stream.close() }
        guard streams.count < linksMax else {
            log(.warning, "refusing a connection from \(stream.peerEndpoint ?? "?"): already \(streams.count) links")
            return stream.close()
        }
        let engine: OpenSSLEngine
        do { engine = try tls.makeEngine(role: .server) } catch {
            logger.error("TLS setup failed for an incoming link: \(error)")
            return stream.close()
        }
        attach(stream, engine: engine, outbound: false, expectedPeer: nil, dial: nil)
    }

    /// Connects for the core; a dial that takes longer than `connectTimeoutMilliseconds` is abandoned
    /// (a host that drops SYNs would otherwise hold it for the kernel's long timeout).
    func dial(_ request: DialRequest) {
        guard !stopping, !faultTakesDial(request) else { return }
        let stream = TCPStream.connect(loop: loop, host: request.host, port: request.port) { [weak self] result in
            guard let self else { return }
            self.pendingDials.removeValue(forKey: request.id)?.close()
            guard !self.stopping else {
                if case .success(let stream) = result { stream.close() }
                return
            }
            switch result {
            case .success(let stream):
                do {
                    // The pin goes into TLS too, so an impostor is refused before it sees our certificate.
                    let engine = try self.tls.makeEngine(role: .client, expectedPeerAddress: request.expectedPeer?.bytes)
                    self.attach(
                        stream, engine: engine, outbound: true, expectedPeer: request.expectedPeer, dial: request.id,
                        dialled: Endpoint(host: request.host, port: request.port).description)
                } catch {
                    self.logger.error("TLS setup failed dialling \(request.host):\(request.port): \(error)")
                    stream.close()
                    self.perform(self.core.dialFailed(request.id, reason: "TLS setup failed", now: self.now()))
                }
            case .failure(let error):
                let reason = error.isCancellation ? "no answer within \(Self.connectTimeoutMilliseconds) ms" : error.message
                self.perform(self.core.dialFailed(request.id, reason: reason, now: self.now()))
            }
        }
        guard !stream.isClosed, let timer = try? LoopTimer(loop: loop) else { return }
        pendingDials[request.id] = timer
        // Closing the stream makes its callback report a cancellation, which counts as a failure.
        timer.start(afterMilliseconds: Self.connectTimeoutMilliseconds) { [weak stream] in stream?.close() }
    }

    /// Most sockets (links in and out, handshakes included) a node keeps; more incoming connections
    /// are closed at once, so a flood cannot exhaust file descriptors. A coordinator serves many
    /// nodes: its bound follows the file descriptors it may open.
    static let linksMax = 512
    var linksMax: Int { config.role == .coordinator ? Self.coordinatorLinksMax : Self.linksMax }
    static var coordinatorLinksMax: Int { max(Self.linksMax, ProcessLimits.openFilesMax() - 64) }

    /// How long a dial may take before it is abandoned and retried.
    static let connectTimeoutMilliseconds: UInt64 = 10_000

    private func attach(
        _ stream: TCPStream, engine: OpenSSLEngine, outbound: Bool, expectedPeer: Address?, dial: DialID?, dialled: String? = nil
    ) {
        let link = newLinkID()
        streams[link] = stream
        stream.setNoDelay(true)
        // The core keeps the socket queue near its high-water mark; this hard bound only stops a
        // peer that sends but never reads our answers.
        stream.writeQueueBytesMax = Self.writeQueueBytesMax
        let endpoint = stream.peerEndpoint ?? "unknown"
        stream.startReading(
            onData: { [weak self] bytes in
                guard let self else { return }
                self.perform(self.core.linkReceived(link, bytes: bytes, now: self.now()))
            },
            onClose: { [weak self] error in
                guard let self else { return }
                self.streams[link] = nil
                self.faults?.linkClosed(link)
                if let error, !error.isCancellation { self.logger.debug("\(link) ended: \(error.message)") }
                self.perform(self.core.linkClosed(link, now: self.now()))
                MemoryTrim.afterLinkClosed(nowMilliseconds: self.loop.nowMilliseconds)
            })
        perform(core.linkOpened(
            link, engine: gated(engine, link: link, dialled: dialled), outbound: outbound, expectedPeer: expectedPeer,
            endpoint: endpoint, now: now(), dial: dial))
    }

    /// Unwritten bytes one link may hold in its socket queue before it counts as not reading.
    static let writeQueueBytesMax = 8 << 20
}
