import ArgumentParser
import FerryControl
import FerryNode
import FerryWire
import Foundation

/// `ferry demo`: two nodes on 127.0.0.1 exchange sealed messages, with the recipient offline for
/// one of them. Everything lives in a temporary directory that is removed at the end.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Start two local nodes, send sealed messages between them, show inbox and delivery proofs.")

    @Flag(help: "Keep the demo's data directories and logs.") var keep = false

    func run() throws {
        try reportingErrors {
            // A fresh directory only this user can enter: a fixed name in /tmp could be made
            // first by someone else, who would then see (or swap) the demo's keys.
            let root = try PrivateFiles.makeTemporaryDirectory(prefix: "ferry-demo-")
            let alice = ChildNode(name: "alice", root: root)
            let bob = ChildNode(name: "bob", root: root)
            defer {
                alice.stop()
                bob.stop()
                if keep { print("\nkept \(root)") } else { try? FileManager.default.removeItem(atPath: root) }
            }
            try runDemo(alice: alice, bob: bob)
        }
    }

    private func runDemo(alice: ChildNode, bob: ChildNode) throws {
        step("1. Two identities (Ed25519 + X-Wing), cards exchanged")
        for node in [alice, bob] { _ = try IdentityFiles.create(in: node.dir, now: currentTime()) }
        try exchangeCards(alice, bob)

        step("2. Bob and Alice start; Alice dials Bob over TLS 1.3")
        let bobEndpoint = try bob.start(listen: "127.0.0.1:0", peers: [])
        try alice.start(listen: "127.0.0.1:0", peers: [bobEndpoint])
        print("   bob listens on \(bobEndpoint)")

        step("3. Alice sends a sealed message and waits for Bob's delivery proof")
        try sendAndWait(from: alice, text: "Hello Bob, this is sealed end to end (HPKE + X-Wing).")

        step("4. Bob goes offline; Alice sends anyway (her node keeps it in custody)")
        bob.stop()
        let queued = try send(from: alice, text: "Sent while you were offline.")
        print("   queued \(queued) — outbox pending: \(try status(alice).outboxPending)")

        step("5. Bob comes back on the same port; the message arrives, the proof returns")
        try bob.start(listen: bobEndpoint, peers: [])
        print("   \(try wait(alice, id: queued, seconds: 30))")

        step("6. Bob's inbox")
        for item in try inbox(bob) {
            let from = TerminalText.escape(item.fromName ?? item.from)
            print("   \(item.receivedAt)  from \(from)  [\(item.path), \(item.hops) hop]  \(TerminalText.escape(item.text))")
        }
        print("\nDone: 2 messages sealed, delivered once each, 2 delivery proofs back.")
    }

    private func exchangeCards(_ a: ChildNode, _ b: ChildNode) throws {
        let (_, recordA) = try IdentityFiles.load(from: a.dir)
        let (_, recordB) = try IdentityFiles.load(from: b.dir)
        var bookA = try ContactBook.load(a.dir)
        var bookB = try ContactBook.load(b.dir)
        let bobID = try bookA.add(name: "bob", card: ContactCard.encode(recordB), now: currentTime()).identity
        let aliceID = try bookB.add(name: "alice", card: ContactCard.encode(recordA), now: currentTime()).identity
        print("   alice \(aliceID.address)\n   bob   \(bobID.address)")
    }

    private func send(from node: ChildNode, text: String) throws -> String {
        let reply = try check(node.client().call(ControlRequest(op: "send", to: "bob", text: text)))
        return reply.id ?? ""
    }

    private func sendAndWait(from node: ChildNode, text: String) throws {
        let started = Date()
        let id = try send(from: node, text: text)
        let line = try wait(node, id: id, seconds: 30)
        print("   \(id) \(line), proof back in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
    }

    private func wait(_ node: ChildNode, id: String, seconds: Double) throws -> String {
        let reply = try check(node.client().call(ControlRequest(op: "wait", id: id), timeoutMilliseconds: Int(seconds * 1000)))
        return deliveredLine(path: reply.path, hops: reply.hops)
    }

    private func status(_ node: ChildNode) throws -> NodeStatus {
        guard let status = try check(node.client().call(ControlRequest(op: "status"))).status else {
            throw DemoError("no status from \(node.name)")
        }
        return status
    }

    private func inbox(_ node: ChildNode) throws -> [InboxItem] {
        let client = try node.client()
        try client.send(ControlRequest(op: "inbox"))
        var items: [InboxItem] = []
        for _ in 0..<10_000 {
            let reply = try check(client.receive(timeoutMilliseconds: 10_000))
            if reply.end == true { break }
            if let message = reply.message { items.append(message) }
        }
        return items
    }

    private func step(_ text: String) { print("\n" + text) }
}
