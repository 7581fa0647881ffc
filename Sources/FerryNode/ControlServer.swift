import FerryControl
import FerryLoop
import Foundation

/// One CLI connection to the control socket. Loop-confined, not `Sendable`.
final class ControlSession {
    let stream: PipeStream
    var lines = LineBuffer()
    /// An inbox listing being streamed to this client, if any.
    var listing: InboxListing?

    init(stream: PipeStream) { self.stream = stream }
}

/// Where an inbox listing stands: the last seq sent, and whether it goes on with new messages.
struct InboxListing {
    var afterSeq: Int64
    var follow: Bool
    /// Messages still to send before the listing ends (not for `follow`).
    var remaining: Int
}

/// The Unix control socket (mode 0600, in the data directory): JSON lines in, JSON lines out.
/// It parses and hands requests to the node (or why a line does not parse); it knows nothing of
/// what they mean.
final class ControlServer {
    /// Takes each line: the request, or why it is not one.
    typealias RequestHandler = (ControlSession, Result<ControlRequest, BadControlRequest>) -> Void

    private let listener: PipeListener
    private(set) var sessions: [ObjectIdentifier: ControlSession] = [:]
    private let path: String
    /// Called when a session's write queue has drained, so a paused listing can go on.
    var onDrain: ((ControlSession) -> Void)?

    /// Most CLI connections at once; the socket is the node user's alone, so this only bounds a
    /// runaway script.
    static let sessionsMax = 64
    /// A listing is paused while a client has this many reply bytes unread, and resumes on drain.
    static let listingHighWaterBytes = 256 * 1024

    init(loop: Loop, path: String, onRequest: @escaping RequestHandler) throws {
        self.path = path
        listener = try PipeListener(loop: loop)
        // A socket file left by a dead node: the data-dir lock is ours, so nobody is behind it.
        unlink(path)
        try listener.bind(path: path)
        try listener.listen { [weak self] stream in self?.accept(stream, onRequest: onRequest) }
    }

    private func accept(_ stream: PipeStream, onRequest: @escaping RequestHandler) {
        guard sessions.count < Self.sessionsMax else { return stream.close() }
        let session = ControlSession(stream: stream)
        let key = ObjectIdentifier(session)
        sessions[key] = session
        stream.onDrain = { [weak self, weak session] in
            guard let self, let session else { return }
            self.onDrain?(session)
        }
        stream.startReading(
            onData: { [weak self, weak session] bytes in
                guard let self, let session else { return }
                self.receive(bytes, on: session, onRequest: onRequest)
            },
            onClose: { [weak self] _ in self?.sessions[key] = nil })
    }

    private func receive(_ bytes: [UInt8], on session: ControlSession, onRequest: RequestHandler) {
        let lines: [[UInt8]]
        do { lines = try session.lines.push(bytes) } catch {
            send(.failure("request line too long"), to: session)
            session.stream.shutdownThenClose()
            return
        }
        for line in lines where !line.isEmpty {
            // A line that is not a request is answered by the node in turn, so replies stay in
            // request order.
            onRequest(session, Self.decode(line))
        }
    }

    static func decode(_ line: [UInt8]) -> Result<ControlRequest, BadControlRequest> {
        do { return .success(try ControlJSON.decode(ControlRequest.self, from: line)) } catch {
            return .failure(BadControlRequest(text: ControlRequestProblem.describe(error, line: line)))
        }
    }

    /// Writes one reply line. A client that lets 4 MiB of replies pile up unread is dropped; a
    /// client that goes away mid-answer just ends its session (SIGPIPE is ignored).
    func send(_ reply: ControlReply, to session: ControlSession) {
        guard !session.stream.isClosed else { return }
        if !session.stream.write(ControlJSON.encode(reply)) {
            session.stream.close()
        }
    }

    /// True while a listing may write more to this client.
    func hasRoom(_ session: ControlSession) -> Bool {
        !session.stream.isClosed && session.stream.queuedWriteBytes < Self.listingHighWaterBytes
    }

    func close() {
        listener.close()
        for session in sessions.values { session.stream.close() }
        sessions = [:]
        unlink(path)
    }
}
