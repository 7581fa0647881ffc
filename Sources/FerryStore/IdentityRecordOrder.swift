import FerryWire

/// Which of two identity records for one address a store keeps, shared by both stores so they cannot
/// disagree. Records rotate KEM keys by being re-signed with a later `created`; anyone can replay an
/// old one (it is still validly signed), so only a strictly later `created` may replace what is stored.
package enum IdentityRecordOrder {
    /// Decodes a record offered to `putIdentity`, or refuses it.
    package static func decodeOffered(_ record: [UInt8], for address: Address) throws -> IdentityRecord {
        do { return try IdentityRecord.decode(record) } catch {
            throw StoreError.invalidIdentityRecord(address, "\(error)")
        }
    }

    /// Whether `offered` should replace the stored encoded record. A stored record that no longer
    /// decodes (a damaged row) is replaced: the table only caches what peers sent, and keeping the
    /// damage would fail that peer's every hello.
    package static func replaces(_ offered: IdentityRecord, stored: [UInt8]?) -> Bool {
        guard let stored, let current = try? IdentityRecord.decode(stored) else { return true }
        return offered.created > current.created
    }
}
