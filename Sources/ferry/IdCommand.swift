import ArgumentParser
import FerryNode
import FerryWire

struct IdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id", abstract: "Print this node's address, or with --card its contact card.")

    @OptionGroup var data: DataOptions

    @Flag(help: "Print the contact card (one line) to give to others.")
    var card = false

    func run() throws {
        try reportingErrors {
            let (identity, record) = try IdentityFiles.load(from: data.directory)
            emitLine(card ? ContactCard.encode(record) : identity.address.text)
        }
    }
}
