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

    /// `message` as a store returns it: with the `seq` the store assigned on insert.
    static func stored(_ message: OutboundMessage, seq: Int64) -> OutboundMessage {
        var copy = message
        copy.seq = seq
        return copy
    }

    static func outbound(
        _ n: UInt8, to destination: UInt8 = 1, created: UInt64 = 1_000, expires: UInt64 = 10_000,
        kind: OutboundKind = .message
    ) -> OutboundMessage {
        OutboundMessage(
            id: id(n), destination: address(destination), kind: kind, envelope: [1, 2, 3, n],
            ackHash: [UInt8](repeating: n, count: 32), createdAt: time(created), expiresAt: time(expires))
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
