import FerryCore
import FerryLoop
import FerryTLS
import FerryWire

extension Node {
    func newLinkID() -> LinkID {
        defer { nextLinkID += 1 }
        return LinkID(nextLinkID)
    }

    /// A peer dialled us. The core bounds handshakes and strangers; this bound only protects file
    /// descriptors, and it sits above the core's bounds so contacts always find room.
    func accepted(_ stream: TCPStream) {
        guard !stopping else { return stream.close() }
        guard streams.count < Self.linksMax else {
            log(.warning, "refusing a connection from \(stream.peerEndpoint ?? "?"): already \(streams.count) links")
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
                self.dialFailed(dialer, error.isCancellation ? "no answer within \(Self.connectTimeoutMilliseconds) ms" : error.message)
            }
        }
        if !stream.isClosed { dialer.connecting(stream, timeoutMilliseconds: Self.connectTimeoutMilliseconds) }
    }

    /// Most sockets (links in and out, handshakes included) a node keeps; more incoming connections
    /// are closed at once, so a flood cannot exhaust file descriptors.
    static let linksMax = 512

    /// How long a dial may take before it is abandoned and retried.
    static let connectTimeoutMilliseconds: UInt64 = 10_000

    /// The first failure in a row is a warning an operator should see; the rest are debug.
    private func dialFailed(_ dialer: Dialer, _ reason: String) {
        let first = dialer.failed(reason)
        let delay = redial(dialer)
        let text = "cannot reach seed \(dialer.endpoint): \(reason); retrying in \(delay ?? 0) ms"
        if first { log(.warning, text) } else { logger.debug("\(text)") }
    }

    /// Arms the dialer's next try, unless the seed is this node or is linked another way.
    @discardableResult
    func redial(_ dialer: Dialer) -> UInt64? {
        guard !stopping else { return nil }
        let elsewhere = dialer.peer.map { core.connectedPeers.contains($0) } ?? false
        return dialer.scheduleRetry(unit: Double.random(in: 0..<1), nowMilliseconds: loop.nowMilliseconds, linkedElsewhere: elsewhere) {
            [weak self] in self?.dial($0)
        }
    }

    func dialer(for link: LinkID) -> Dialer? { dialers.first { $0.link == link } }

    /// The core refused a dialled link: the dialler learns why before the link's close arrives.
    func linkRejected(_ link: LinkID, _ rejection: LinkRejection) {
        guard let dialer = dialer(for: link) else { return }
        dialer.rejected(rejection)
        if rejection == .isSelf {
            log(.warning, "--peer \(dialer.endpoint) is this node itself; not dialling it again")
        }
    }

    /// Seeds waiting because their node was linked another way dial again once it is not.
    func redialSeedsNoLongerLinked() {
        let linked = core.connectedPeers
        for dialer in dialers where dialer.state == .linkedElsewhere {
            if let peer = dialer.peer, linked.contains(peer) { continue }
            redial(dialer)
        }
    }

    private func attach(_ stream: TCPStream, engine: OpenSSLEngine, outbound: Bool, expectedPeer: Address?, dialer: Dialer?) {
        let link = newLinkID()
        streams[link] = stream
        stream.setNoDelay(true)
        // The core keeps the socket queue near its high-water mark; this hard bound only stops a
        // peer that sends but never reads our answers.
        stream.writeQueueBytesMax = Self.writeQueueBytesMax
        dialer?.connected(link)
        let endpoint = stream.peerEndpoint ?? dialer?.endpoint.description ?? "unknown"
        stream.startReading(
            onData: { [weak self] bytes in
                guard let self else { return }
                self.perform(self.core.linkReceived(link, bytes: bytes, now: self.now()))
            },
            onClose: { [weak self] error in
                guard let self else { return }
                self.streams[link] = nil
                if let error, !error.isCancellation { self.logger.debug("\(link) ended: \(error.message)") }
                self.perform(self.core.linkClosed(link, now: self.now()))
                if let dialer, dialer.link == link { self.redial(dialer) }
                self.redialSeedsNoLongerLinked()
                MemoryTrim.afterLinkClosed(nowMilliseconds: self.loop.nowMilliseconds)
            })
        perform(core.linkOpened(link, engine: engine, outbound: outbound, expectedPeer: expectedPeer, endpoint: endpoint, now: now()))
    }

    /// Unwritten bytes one link may hold in its socket queue before it counts as not reading.
    static let writeQueueBytesMax = 8 << 20
}
