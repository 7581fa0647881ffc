import Crypto
import FerryWire

/// Hashes Ferry uses, in one place.
public enum Digests {
    /// SHA-256 of `bytes`.
    public static func sha256<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        Array(SHA256.hash(data: Array(bytes)))
    }

    /// A node's address: the first 16 bytes of SHA-256 of its Ed25519 public key (DESIGN.md).
    public static func address(signingKey: [UInt8]) -> Address {
        // 16 of SHA-256's 32 bytes always make a valid address.
        try! Address(bytes: Array(sha256(signingKey).prefix(Address.byteCount)))
    }

    /// Whether `proof` reveals the secret behind `ackHash`: anyone can check a delivery proof.
    public static func proofMatches(_ proof: DeliveryProof, ackHash: [UInt8]) -> Bool {
        proof.ackSecret.count == SealedContent.ackSecretByteCount && sha256(proof.ackSecret) == ackHash
    }
}
