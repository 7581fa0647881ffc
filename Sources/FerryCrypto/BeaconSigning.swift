import Crypto
import FerryWire

/// Signs and checks LAN beacons (docs/PROTOCOL.md §Beacons) with the node's Ed25519 key.
public enum BeaconSigning {
    /// A beacon from `identity` for its listen port, signed now.
    public static func beacon(
        from identity: NodeIdentity, listenPort: UInt16, capabilities: Hello.Capabilities, now: Timestamp
    ) throws -> Beacon {
        var beacon = Beacon(
            signingKey: identity.signingPublicKey, listenPort: listenPort, capabilities: capabilities, timestamp: now)
        beacon.signature = try identity.sign(beacon.signedBytes)
        return beacon
    }

    /// The address of the beacon's sender if its signature is valid for its own key; nil otherwise.
    public static func verifiedAddress(of beacon: Beacon) -> Address? {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: beacon.signingKey),
              key.isValidSignature(beacon.signature, for: beacon.signedBytes)
        else { return nil }
        return Digests.address(signingKey: beacon.signingKey)
    }
}
