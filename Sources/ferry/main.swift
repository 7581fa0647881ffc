import ArgumentParser

/// `ferry`: run a mesh node and talk to it (docs/CLI.md).
struct Ferry: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ferry",
        abstract: "Ferry: a peer-to-peer mesh node that carries end-to-end encrypted messages, even when the server is down.",
        subcommands: [
            InitCommand.self, IdCommand.self, ContactsCommand.self, RunCommand.self, SendCommand.self,
            InboxCommand.self, StatusCommand.self, PeersCommand.self, DemoCommand.self,
        ]
    )
}

Ferry.main()
