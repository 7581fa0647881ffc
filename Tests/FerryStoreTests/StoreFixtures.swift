import FerryStore
import FerryWire
import Foundation

/// Small builders for store tests: distinct, valid values from an integer.
enum Fixture {
    static func id(_ n: UInt8) -> MessageID {
        try! MessageID(bytes: [UInt8](repeating: 0xA0, count: MessageID.byteCount - 1) + [n])
    }

    static func address(_ n: UInt8) -> Address {
        try! Address(bytes: [UInt8](repeating: 0x0D, count: Address.byteCount - 1) + [n])
    }

    static func time(_ milliseconds: UInt64) -> Timestamp { Timestamp(milliseconds: milliseconds) }

    /// `message` as a store returns it: with the `seq` the store assigned.
    static func stored(_ message: HeldMessage, seq: Int64) -> HeldMessage {
        var copy = message
        copy.seq = seq
        return copy
    }

    static func stored(_ proof: StoredProof, seq: Int64) -> StoredProof {
        var copy = proof
        copy.seq = seq
        return copy
    }

    /// A message in custody. `hash` picks another ack hash for the same id (a decoy's, say); `size`
    /// is the envelope's length in bytes (at least 1), which is what the byte sums add up.
    static func held(
        _ n: UInt8, kind: CustodyKind = .own, to destination: UInt8 = 1, from origin: UInt8? = nil,
        created: UInt64 = 1_000, expires: UInt64 = 10_000, copies: UInt16 = 4, size: Int = 4, hash: UInt8? = nil
    ) -> HeldMessage {
        HeldMessage(
            id: id(n), ackHash: ackHash(hash ?? n), kind: kind, destination: address(destination),
            envelope: [n] + [UInt8](repeating: 0xE0, count: max(size - 1, 0)), copies: copies, hopsLeft: 8,
            createdAt: time(created), expiresAt: time(expires), receivedAt: time(created + 10),
            origin: origin.map(address))
    }

    /// The key of `held(n, hash:)`.
    static func key(_ n: UInt8, hash: UInt8? = nil) -> CustodyKey {
        CustodyKey(id: id(n), ackHash: ackHash(hash ?? n))
    }

    /// A delivery proof for `held(n, hash:)`.
    static func proof(
        _ n: UInt8, expires: UInt64 = 10_000, hash: UInt8? = nil, hops: UInt8 = 2, path: DeliveryPath = .mesh
    ) -> StoredProof {
        StoredProof(
            id: id(n), ackSecret: [UInt8](repeating: n ^ 0x55, count: 32), ackHash: ackHash(hash ?? n),
            expiresAt: time(expires), hops: hops, path: path)
    }

    /// An inbound message; `secret` picks another ack secret for the same id (a decoy's, say).
    static func inbound(
        _ n: UInt8, from sender: UInt8 = 2, path: DeliveryPath = .direct, body: [UInt8]? = nil, secret: UInt8? = nil
    ) -> InboundMessage {
        InboundMessage(
            id: id(n), from: address(sender), contentType: 1, body: body ?? Array("hello \(n)".utf8),
            sentAt: time(1_000 + UInt64(n)), receivedAt: time(2_000 + UInt64(n)), path: path, hops: n % 7,
            ackSecret: [UInt8](repeating: secret ?? n &+ 1, count: 32), expiresAt: time(50_000))
    }

    /// An ack hash that stands for message `n`'s (any 32 bytes do: the store never hashes).
    static func ackHash(_ n: UInt8) -> [UInt8] { [UInt8](repeating: n, count: 32) }

    /// An encoded identity record that decodes (the store does not check signatures, so the key and
    /// signature bytes are filler); `created` is what decides which record a store keeps.
    static func identityRecord(_ n: UInt8, created: UInt64, kemKey: [UInt8]? = nil) -> [UInt8] {
        IdentityRecord(
            signingKey: [UInt8](repeating: n, count: IdentityRecord.signingKeyByteCount), kemKey: kemKey ?? [n, n, n],
            created: time(created), expires: time(created + 1_000_000),
            signature: [UInt8](repeating: 0x5A, count: IdentityRecord.signatureByteCount)
        ).encoded()
    }
}

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var databasePath: String { url.appendingPathComponent("store.sqlite").path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
