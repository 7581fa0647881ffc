import Crypto

/// Random bytes from the system's CSPRNG (through swift-crypto), for ids and secrets made
/// outside the sans-I/O core. The core takes randomness as a parameter instead.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        SymmetricKey(size: .init(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }
}
