import FerryCore

extension Node {
    /// Multicasts a beacon the core made (no socket: beacons are off).
    func sendBeacon(_ bytes: [UInt8]) {
        // The UDP socket arrives with FerryLoop's UDPSocket; until then beacons stay off.
    }
}
