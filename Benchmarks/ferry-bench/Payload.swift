/// Message bodies from a fixed seed, so every run sends the same bytes.
/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and good enough for payloads.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}

enum Payload {
    /// The seed of every payload in the bench.
    static let seed: UInt64 = 0x4645_5252_5942_454E  // "FERRYBEN"
    /// Printable ASCII, so a body of n characters is n bytes of UTF-8 and needs no JSON escaping.
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-".utf8)

    /// `count` bodies of `byteCount` bytes each.
    static func texts(count: Int, byteCount: Int, random: inout SeededRandom) -> [String] {
        (0..<count).map { _ in
            let bytes = (0..<byteCount).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
