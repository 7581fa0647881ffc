import ArgumentParser
import FerryNode
import FerryWire

struct ContactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts", abstract: "Manage contacts (name → contact card).",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a contact from the card `ferry id --card` printed.")

        @OptionGroup var data: DataOptions
        @Argument(help: "A name for the contact.") var name: String
        @Argument(help: "The contact card (ferry1:…).") var card: String

        func run() throws {
            try reportingErrors {
                try data.directory.create()
                var book = try ContactBook.load(data.directory)
                let identity = try book.add(name: name, card: card, now: currentTime())
                print("added \(name) \(identity.address.text)")
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
                    print("no contacts yet; add one with: ferry contacts add NAME CARD")
                } else {
                    printTable(["NAME", "ADDRESS"], entries.map { [$0.name, $0.identity.address.text] })
                }
            }
        }
    }
}

struct ContactJSON: Encodable {
    let name: String
    let address: String
    let card: String
}
