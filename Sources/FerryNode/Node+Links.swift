import FerryCore
import FerryLoop
import FerryTLS
import FerryWire

extension Node {
    func newLinkID() -> LinkID {
        defer { nextLinkID += 1 }
        return LinkID(nextLinkID)
    }

    /// A peer dialled us.
    func accepted(_ stream: TCPStream) {
        guard !stopping else { return stream.close() }
        guard streams.count < Self.linksMax else {
            logger.warning("refusing a link from \(stream.peerEndpoint ?? "?"): already \(streams.count) links")
            return stream.close()
        }
        let engine: OpenSSLEngine
        do { engine = try tls.makeEngine(role: .server) } catch {
            logger.error("TLS setup failed for an incoming link: \(error)")
            return stream.close()
        }
        attach(stream, engine: engine, outbound: false, expectedPeer: nil, dialer: nil)
    }

    /// Dials a seed; on failure or when the link later ends, the dialer schedules another try.
    func dial(_ dialer: Dialer) {
        guard !stopping else { return }
        let stream = TCPStream.connect(loop: loop, host: dialer.endpoint.host, port: dialer.endpoint.port) { [weak self] result in
            dialer.connectFinished()
            guard let self, !self.stopping else {
                if case .success(let stream) = result { stream.close() }
                return
            }
            switch result {
            case .success(let stream):
                do {
                    // The pin goes into TLS too, so an impostor is refused before it sees our certificate.
                    let engine = try self.tls.makeEngine(role: .client, expectedPeerAddress: dialer.pinned?.bytes)
                    self.attach(stream, engine: engine, outbound: true, expectedPeer: dialer.pinned, dialer: dialer)
                } catch {
                    self.logger.error("TLS setup failed dialling \(dialer.endpoint): \(error)")
                    stream.close()
                    self.redial(dialer)
                }
            case .failure(let error):
                self.logger.debug("dial \(dialer.endpoint) failed: \(error.message)")
                self.redial(dialer)
            }
        }
        if !stream.isClosed { dialer.connecting(stream, timeoutMilliseconds: Self.connectTimeoutMilliseconds) }
    }

    /// Most links (in and out) a node keeps; more incoming connections are closed at once, so a
    /// flood of half-open connections cannot exhaust file descriptors.
    static let linksMax = 512

    /// How long a dial may take before it is abandoned and retried.
    static let connectTimeoutMilliseconds: UInt64 = 10_000

    func redial(_ dialer: Dialer) {
        guard !stopping else { return }
        let delay = dialer.scheduleRetry(unit: Double.random(in: 0..<1)) { [weak self] in self?.dial($0) }
        logger.debug("redialling \(dialer.endpoint) in \(delay) ms")
    }

    private func attach(_ stream: TCPStream, engine: OpenSSLEngine, outbound: Bool, expectedPeer: Address?, dialer: Dialer?) {
        let link = newLinkID()
        streams[link] = stream
        stream.setNoDelay(true)
        dialer?.connected(link)
        let endpoint = stream.peerEndpoint ?? dialer?.endpoint.description ?? "unknown"
        stream.startReading(
            onData: { [weak self] bytes in
                guard let self else { return }
                self.perform(self.core.linkReceived(link, bytes: bytes, now: WallClock.now()))
            },
            onClose: { [weak self] error in
                guard let self else { return }
                self.streams[link] = nil
                if let error, !error.isCancellation { self.logger.debug("\(link) ended: \(error.message)") }
                self.perform(self.core.linkClosed(link, now: WallClock.now()))
                if let dialer { self.redial(dialer) }
            })
        perform(core.linkOpened(link, engine: engine, outbound: outbound, expectedPeer: expectedPeer, endpoint: endpoint, now: WallClock.now()))
    }
}
