import Foundation

/// JSON lines as the control socket speaks them: snake_case keys, one object per line.
public enum ControlJSON {
    /// Longest line accepted on the control socket (a request with a 64 KiB text, escaped).
    public static let lineBytesMax = 512 * 1024

    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own plain structs cannot fail.
        var bytes = [UInt8]((try? encoder.encode(value)) ?? Data("{}".utf8))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    public static func decode<T: Decodable>(_ type: T.Type, from line: [UInt8]) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(line))
    }

    /// Milliseconds since the epoch as ISO 8601 UTC with milliseconds, e.g. 2026-11-24T18:41:21.123Z.
    public static func isoTime(milliseconds: UInt64) -> String {
        let seconds = time_t(milliseconds / 1000)
        var parts = tm()
        var copy = seconds
        gmtime_r(&copy, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds % 1000))
    }
}

/// Splits a byte stream into lines, bounded by `ControlJSON.lineBytesMax`.
public struct LineBuffer: Sendable {
    private var buffer: [UInt8] = []

    public init() {}

    public struct TooLong: Error {}

    /// Appends bytes and returns every complete line (without the newline).
    public mutating func push(_ bytes: [UInt8]) throws(TooLong) -> [[UInt8]] {
        buffer.append(contentsOf: bytes)
        var lines: [[UInt8]] = []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(Array(buffer[..<newline]))
            buffer.removeSubrange(...newline)
        }
        guard buffer.count <= ControlJSON.lineBytesMax else { throw TooLong() }
        return lines
    }
}
