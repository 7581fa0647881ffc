import FerryControl
import FerryCrypto
import FerryWire

/// What `send` was given (a contact name, a full address, or a unique address prefix) turned
/// into an identity the node may seal to. Kept apart from `Node` so the rules are tested without
/// a running node.
///
/// Prefixes resolve against contacts only: the store can look up a stored identity by its full
/// address, not by a prefix. An expired record is refused, so nothing is sealed to a KEM key its
/// owner may have retired.
enum RecipientResolver {
    static func resolve(
        _ text: String, contacts: ContactBook, own: Address, now: Timestamp,
        storedRecord: (Address) throws -> [UInt8]?
    ) throws -> VerifiedIdentity {
        let identity = try find(text, contacts: contacts, storedRecord: storedRecord)
        guard identity.address != own else { throw NodeError.ownAddress(text) }
        guard identity.record.expires > now else {
            let who = contacts.name(for: identity.address).map { "\($0) (\(identity.address))" } ?? identity.address.text
            throw NodeError.identityExpired(who: who, expired: ControlJSON.isoTime(milliseconds: identity.record.expires.milliseconds))
        }
        return identity
    }

    private static func find(
        _ text: String, contacts: ContactBook, storedRecord: (Address) throws -> [UInt8]?
    ) throws -> VerifiedIdentity {
        if let identity = try contacts.resolve(text) { return identity }
        if let address = Address(text: text.lowercased()), let record = try storedRecord(address),
            let identity = try? VerifiedIdentity(encoded: record, now: nil)
        {
            return identity
        }
        if let prefix = AddressPrefix(text) { throw NodeError.unknownAddressPrefix(prefix.text) }
        throw NodeError.unknownContact(text)
    }
}
