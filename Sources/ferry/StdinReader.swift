import FerryNode
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads messages from stdin with read(2): all of it, or one line at a time. It never holds
/// more than `bytesMax` (plus one chunk) of a message that is too long, yet still counts all of
/// it, so the size error names the real size. Not `Sendable`: one command reads stdin.
struct StdinReader {
    /// What one read produced.
    enum Piece: Equatable {
        case text(String)
        /// A message over the limit, `bytes` long (as UTF-8, line break not counted).
        case tooLong(bytes: Int)
    }

    static let chunkBytes = 64 * 1024

    let bytesMax: Int
    private var buffer: [UInt8] = []
    private var atEnd = false

    init(bytesMax: Int) { self.bytesMax = bytesMax }

    /// The whole of stdin as one message, line breaks and all.
    mutating func readAll() throws -> Piece {
        var dropped = 0
        while try fill() {
            if buffer.count > bytesMax {
                dropped += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        return piece(buffer, dropped: dropped)
    }

    /// The next line without its `\n` or `\r\n`; nil at the end of stdin.
    mutating func nextLine() throws -> Piece? {
        var dropped = 0
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return piece(line, dropped: dropped)
            }
            // One byte of slack for a `\r` before the `\n`.
            if buffer.count > bytesMax + 1 {
                dropped += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
            guard try fill() else {
                guard !buffer.isEmpty || dropped > 0 else { return nil }
                defer { buffer = [] }
                return piece(buffer, dropped: dropped)
            }
        }
    }

    private func piece(_ bytes: [UInt8], dropped: Int) -> Piece {
        guard dropped == 0, bytes.count <= bytesMax else { return .tooLong(bytes: dropped + bytes.count) }
        let text = String(decoding: bytes, as: UTF8.self)
        // Invalid UTF-8 becomes U+FFFD (3 bytes), which can push a message over the limit.
        guard text.utf8.count <= bytesMax else { return .tooLong(bytes: text.utf8.count) }
        return .text(text)
    }

    /// Appends one read's worth; false at the end of stdin.
    private mutating func fill() throws -> Bool {
        guard !atEnd else { return false }
        var chunk = [UInt8](repeating: 0, count: Self.chunkBytes)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw NodeError.io("cannot read stdin: \(String(cString: strerror(errno)))") }
            if count == 0 {
                atEnd = true
                return false
            }
            buffer += chunk[0..<count]
            return true
        }
    }
}
