import ArgumentParser
import FerryControl
import FerryNode
import FerryWire

struct ContactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts", abstract: "Manage contacts (name → contact card).",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a contact from the card `ferry id --card` printed (spaces and line breaks in it are ignored).")

        @OptionGroup var data: DataOptions
        @Argument(help: "A name for the contact.") var name: String
        @Argument(help: "The contact card (ferry1:…).") var card: String

        func run() throws {
            try reportingErrors {
                let dir = data.directory
                try dir.create()
                // Before `ferry init` there is no own card to mistake for someone else's.
                let own = try IdentityFiles.ownRecord(in: dir)?.address
                var book = try ContactBook.load(dir)
                let (identity, isNew) = try book.add(name: name, card: card, now: currentTime(), own: own)
                emitLine("\(isNew ? "added" : "already added:") \(name) \(identity.address.text)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List contacts.")

        @OptionGroup var data: DataOptions
        @Flag(help: "One JSON object per line: name, address, card.") var json = false

        func run() throws {
            try reportingErrors {
                let book = try ContactBook.load(data.directory)
                let entries = book.entries()
                if json {
                    for entry in entries {
                        printJSON(ContactJSON(name: entry.name, address: entry.identity.address.text, card: book.cards[entry.name] ?? ""))
                    }
                } else if entries.isEmpty {
                    emitLine("no contacts yet; add one with: ferry contacts add NAME CARD")
                } else {
                    // Names can come from a hand-edited contacts.json: escaped like any text from outside.
                    printTable(["NAME", "ADDRESS"], entries.map { [TerminalText.escape($0.name), $0.identity.address.text] })
                }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a contact by name.")

        @OptionGroup var data: DataOptions
        @Argument(help: "The contact's name, as contacts list shows it.") var name: String

        func run() throws {
            try reportingErrors {
                var book = try ContactBook.load(data.directory)
                try book.remove(name: name)
                emitLine("removed \(name)")
            }
        }
    }
}

struct ContactJSON: Encodable {
    let name: String
    let address: String
    let card: String
}
