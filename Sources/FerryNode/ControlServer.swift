import FerryControl
import FerryLoop
import Foundation

/// One CLI connection to the control socket. Loop-confined, not `Sendable`.
final class ControlSession {
    let stream: PipeStream
    var lines = LineBuffer()
    /// Set while the client follows the inbox: the last inbox seq it has been sent.
    var followingAfter: Int64?

    init(stream: PipeStream) { self.stream = stream }
}

/// The Unix control socket (mode 0600, in the data directory): JSON lines in, JSON lines out.
/// It parses and hands requests to the node (nil for a line that does not parse); it knows nothing
/// of what they mean.
final class ControlServer {
    private let listener: PipeListener
    private(set) var sessions: [ObjectIdentifier: ControlSession] = [:]
    private let path: String

    init(loop: Loop, path: String, onRequest: @escaping (ControlSession, ControlRequest?) -> Void) throws {
        self.path = path
        listener = try PipeListener(loop: loop)
        // A socket file left by a dead node: the data-dir lock is ours, so nobody is behind it.
        unlink(path)
        try listener.bind(path: path)
        try listener.listen { [weak self] stream in self?.accept(stream, onRequest: onRequest) }
    }

    private func accept(_ stream: PipeStream, onRequest: @escaping (ControlSession, ControlRequest?) -> Void) {
        let session = ControlSession(stream: stream)
        let key = ObjectIdentifier(session)
        sessions[key] = session
        stream.startReading(
            onData: { [weak self, weak session] bytes in
                guard let self, let session else { return }
                self.receive(bytes, on: session, onRequest: onRequest)
            },
            onClose: { [weak self] _ in self?.sessions[key] = nil })
    }

    private func receive(_ bytes: [UInt8], on session: ControlSession, onRequest: (ControlSession, ControlRequest?) -> Void) {
        let lines: [[UInt8]]
        do { lines = try session.lines.push(bytes) } catch {
            send(.failure("request line too long"), to: session)
            session.stream.shutdownThenClose()
            return
        }
        for line in lines where !line.isEmpty {
            // nil for a line that is not a request: the node answers it in turn, so replies stay
            // in request order.
            onRequest(session, try? ControlJSON.decode(ControlRequest.self, from: line))
        }
    }

    func send(_ reply: ControlReply, to session: ControlSession) {
        if !session.stream.write(ControlJSON.encode(reply)) {
            // A client that does not read its replies (or follows without reading) is dropped.
            session.stream.close()
        }
    }

    var followers: [ControlSession] { sessions.values.filter { $0.followingAfter != nil } }

    func close() {
        listener.close()
        for session in sessions.values { session.stream.close() }
        sessions = [:]
        unlink(path)
    }
}
