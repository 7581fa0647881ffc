import ArgumentParser
import FerryNode
import Foundation

/// `ferry`: run a mesh node and talk to it (docs/CLI.md).
struct Ferry: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ferry",
        abstract:
            "Ferry \(FerryVersion): a peer-to-peer mesh node that carries end-to-end encrypted messages, even when the server is down.",
        version: FerryVersion,
        subcommands: [
            InitCommand.self, IdCommand.self, CoordinatorCommand.self, ContactsCommand.self, RunCommand.self, SendCommand.self,
            InboxCommand.self, OutboxCommand.self, DirectoryCommand.self, StatusCommand.self, PeersCommand.self, DemoCommand.self,
            TestbedCommand.self, TestbedChildCommand.self,
        ]
    )
}

// A reader that closes early (`ferry inbox | head -1`) must not kill the CLI with SIGPIPE: writes
// see EPIPE instead, and stdout writes end the command quietly (Options.swift, `emit`). The same
// holds for `ferry run`: a control client or a peer that hangs up mid-write must not kill the node.
signal(SIGPIPE, SIG_IGN)
Ferry.main()
