import FerryCore
import FerryCrypto

/// The daemon's `RandomSource`: the system CSPRNG.
final class SystemRandom: RandomSource {
    func bytes(_ count: Int) -> [UInt8] { SecureRandom.bytes(count) }
}
