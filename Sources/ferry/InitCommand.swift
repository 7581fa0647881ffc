import ArgumentParser
import FerryNode
import FerryWire
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create this node's identity and print its address.")

    @OptionGroup var data: DataOptions

    func run() throws {
        try reportingErrors {
            let (identity, _) = try IdentityFiles.create(in: data.directory, now: currentTime())
            emitLine(identity.address.text)
        }
    }
}

func currentTime() -> Timestamp {
    Timestamp(milliseconds: UInt64(Date().timeIntervalSince1970 * 1000))
}
