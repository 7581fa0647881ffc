import FerryCrypto
import FerryWire
import Foundation

/// Named contact cards in `contacts.json` ({"name": "ferry1:…"}), readable and editable by hand.
/// The CLI writes it; the node reads it on each `send` that names a contact.
public struct ContactBook {
    public private(set) var cards: [String: String]
    let path: String
    /// The cards that verify, by name, checked once at load (each check is an Ed25519 verification).
    private var verified: [String: VerifiedIdentity] = [:]

    init(cards: [String: String], path: String) {
        self.cards = cards
        self.path = path
        for (name, card) in cards {
            if let identity = try? VerifiedIdentity(card: card, now: nil) { verified[name] = identity }
        }
    }

    /// Longest contact name.
    public static let nameBytesMax = 64

    /// Loads the book of a data directory (an empty one if there is no file yet); the directory
    /// must be private (`DataDirectory.checkPrivate`).
    public static func load(_ dir: DataDirectory) throws -> ContactBook {
        try dir.checkPrivate()
        guard let data = FileManager.default.contents(atPath: dir.contactsPath) else {
            return ContactBook(cards: [:], path: dir.contactsPath)
        }
        guard let cards = try? JSONDecoder().decode([String: String].self, from: data) else {
            throw NodeError.io("\(dir.contactsPath) is not a JSON object of name to card; fix or remove it")
        }
        return ContactBook(cards: cards, path: dir.contactsPath)
    }

    /// A card as pasted, without the spaces and line breaks a terminal or mail program put in it.
    /// A card is base64url after `ferry1:`, so whitespace is never part of it.
    public static func normalizedCard(_ card: String) -> String {
        String(String.UnicodeScalarView(card.unicodeScalars.filter { !$0.properties.isWhitespace }))
    }

    /// Adds a contact after checking its card (signature, expiry, not `own`). Adding the same card
    /// under the same name again changes nothing and returns `isNew == false`, so a script can
    /// repeat it; another card under an existing name is refused.
    @discardableResult
    public mutating func add(name: String, card: String, now: Timestamp, own: Address? = nil) throws -> (
        identity: VerifiedIdentity, isNew: Bool
    ) {
        guard Self.isValidName(name) else { throw NodeError.badContactName(name) }
        let card = Self.normalizedCard(card)
        let identity: VerifiedIdentity
        do { identity = try VerifiedIdentity(card: card, now: now) } catch { throw NodeError.badCard("\(error)") }
        guard identity.address != own else { throw NodeError.ownCard }
        if cards[name] != nil {
            // Compared as records, not text: the stored card may be hand-edited or from an older paste.
            guard verified[name]?.record == identity.record else { throw NodeError.contactExists(name) }
            return (identity, false)
        }
        cards[name] = card
        verified[name] = identity
        try save()
        return (identity, true)
    }

    /// Removes a contact, whether or not its card still verifies.
    public mutating func remove(name: String) throws {
        guard cards[name] != nil else { throw NodeError.noSuchContact(name) }
        cards[name] = nil
        verified[name] = nil
        try save()
    }

    /// Contacts with their verified identities, sorted by name; cards that no longer verify are skipped.
    public func entries() -> [(name: String, identity: VerifiedIdentity)] {
        verified.keys.sorted().compactMap { name in verified[name].map { (name, $0) } }
    }

    /// The contact for a name, a full address, or a unique address prefix (`AddressPrefix`), in
    /// that order: a name that looks like a prefix is still a name. Nil if none matches; throws
    /// `NodeError.ambiguousAddress` if a prefix matches several contacts' addresses.
    public func resolve(_ nameOrAddress: String) throws -> VerifiedIdentity? {
        if let identity = verified[nameOrAddress] { return identity }
        if let address = Address(text: nameOrAddress.lowercased()) {
            return verified.values.first { $0.address == address }
        }
        guard let prefix = AddressPrefix(nameOrAddress),
            let address = try prefix.select(from: verified.values.map(\.address))
        else { return nil }
        return verified.values.first { $0.address == address }
    }

    public func name(for address: Address) -> String? {
        verified.filter { $0.value.address == address }.keys.min()
    }

    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= nameBytesMax, Address(text: name) == nil else { return false }
        return name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    /// Written 0600: the book says whom this node talks to.
    private func save() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(cards) else { throw NodeError.io("cannot encode contacts") }
        try PrivateFiles.replace(path, with: [UInt8](data), mode: 0o600)
    }
}
