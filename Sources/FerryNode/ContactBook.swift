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

    public static func load(_ dir: DataDirectory) throws -> ContactBook {
        guard let data = FileManager.default.contents(atPath: dir.contactsPath) else {
            return ContactBook(cards: [:], path: dir.contactsPath)
        }
        guard let cards = try? JSONDecoder().decode([String: String].self, from: data) else {
            throw NodeError.io("\(dir.contactsPath) is not a JSON object of name to card; fix or remove it")
        }
        return ContactBook(cards: cards, path: dir.contactsPath)
    }

    /// Adds a contact after checking its card; returns its verified identity.
    public mutating func add(name: String, card: String, now: Timestamp) throws -> VerifiedIdentity {
        guard Self.isValidName(name) else { throw NodeError.badContactName(name) }
        guard cards[name] == nil else { throw NodeError.contactExists(name) }
        let identity: VerifiedIdentity
        do { identity = try VerifiedIdentity(card: card, now: now) } catch { throw NodeError.badCard("\(error)") }
        cards[name] = card.trimmingCharacters(in: .whitespacesAndNewlines)
        verified[name] = identity
        try save()
        return identity
    }

    /// Contacts with their verified identities, sorted by name; cards that no longer verify are skipped.
    public func entries() -> [(name: String, identity: VerifiedIdentity)] {
        verified.keys.sorted().compactMap { name in verified[name].map { (name, $0) } }
    }

    /// The contact for a name, or for an address given in text form.
    public func resolve(_ nameOrAddress: String) -> VerifiedIdentity? {
        if let identity = verified[nameOrAddress] { return identity }
        guard let address = Address(text: nameOrAddress.lowercased()) else { return nil }
        return verified.values.first { $0.address == address }
    }

    public func name(for address: Address) -> String? {
        verified.first { $0.value.address == address }?.key
    }

    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= nameBytesMax, Address(text: name) == nil else { return false }
        return name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    private func save() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(cards) else { throw NodeError.io("cannot encode contacts") }
        try IdentityFiles.writeFile(path, bytes: [UInt8](data), mode: 0o644)
    }
}
