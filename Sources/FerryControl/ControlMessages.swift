import Foundation

/// One request on the control socket: a JSON object on one line (docs/CONTROL.md).
public struct ControlRequest: Codable, Sendable, Equatable {
    /// What to do: `status`, `peers`, `send`, `wait`, `inbox`.
    public var op: String
    /// `send`: a contact name or an address.
    public var to: String?
    /// `send`: the message text.
    public var text: String?
    /// `wait`: the message id to wait for.
    public var id: String?
    /// `inbox`: only messages after this inbox sequence number.
    public var after: Int64?
    /// `inbox`: keep the connection open and stream new messages.
    public var follow: Bool?
    /// `inbox`: at most this many messages (before following).
    public var limit: Int?
    /// `fault` (nodes started with `--testing` only, docs/CONTROL.md §Faults): `cut`, `heal`,
    /// `impair`, `clear` or `clear_all`, for the link to `peer` (an address).
    public var fault: String?
    public var peer: String?
    /// `fault` `impair`: loss (percent of writes held back as a TCP retransmission would) and delay.
    public var lossPercent: Double?
    public var delayMs: UInt64?

    public init(
        op: String, to: String? = nil, text: String? = nil, id: String? = nil, after: Int64? = nil,
        follow: Bool? = nil, limit: Int? = nil
    ) {
        self.op = op
        self.to = to
        self.text = text
        self.id = id
        self.after = after
        self.follow = follow
        self.limit = limit
    }
}

/// One reply line. `ok` is always present; the other fields depend on the request.
public struct ControlReply: Codable, Sendable, Equatable {
    public var ok: Bool
    /// When `ok` is false: one sentence saying what went wrong and what to do.
    public var error: String?
    /// `send`: the new message id. `wait`: the id waited for.
    public var id: String?
    public var status: NodeStatus?
    public var peers: [PeerInfo]?
    /// `inbox`: one message per reply line.
    public var message: InboxItem?
    /// `inbox` without follow: the last line of the listing.
    public var end: Bool?
    /// `wait`: the delivery proof arrived.
    public var delivered: Bool?
    /// `wait`: how the destination got the message (`direct`, `mesh`, `coordinator`) and in how many
    /// hops, as its proof reports.
    public var path: String?
    public var hops: Int?
    /// `directory`: identity records known (at most 1000, most recently learnt first).
    public var directory: [DirectoryItem]?
    /// `outbox`: own messages not yet delivered (the oldest, at most 1000), and how many there are.
    public var outbox: [OutboxItem]?
    public var outboxTotal: Int?

    public init(ok: Bool, error: String? = nil) {
        self.ok = ok
        self.error = error
    }

    public static func failure(_ text: String) -> ControlReply { ControlReply(ok: false, error: text) }
}

/// `ferry status`: who this node is and what it holds.
public struct NodeStatus: Codable, Sendable, Equatable {
    public var address: String
    public var listen: String
    public var dataDir: String
    public var pid: Int32
    public var startedAtMs: UInt64
    public var links: Int
    public var outboxPending: Int
    public var outboxDelivered: Int
    public var inbox: Int
    public var relay: Int
    /// What peers made the node refuse or ignore since it started.
    public var refusals: RefusalCounts?
    /// LAN beacons, peer exchange and announces since start.
    public var discovery: DiscoveryStatus?
    /// `node` or `coordinator`.
    public var role: String?
    /// The coordinators this node uses (`--coordinator`), up or down.
    public var coordinators: [CoordinatorInfo]?
    /// On a coordinator: its mailboxes, in all and for the addresses with the most.
    public var mailboxes: MailboxStatus?
    /// Bytes of relay copies held for others, and the quota they live under.
    public var relayBytes: Int?
    public var relayQuotaBytes: Int?
    /// Relay copies handed on to a next hop or delivered; valid proofs learnt; copies evicted.
    public var forwarded: Int?
    public var proofsSeen: Int?
    public var evicted: Int?
    /// Started with `--testing`: `fault` requests are taken (docs/CONTROL.md §Faults).
    public var testing: Bool?
    /// When testing: the faults in force, one per peer.
    public var faults: [FaultInfo]?

    public init(
        address: String, listen: String, dataDir: String, pid: Int32, startedAtMs: UInt64, links: Int,
        outboxPending: Int, outboxDelivered: Int, inbox: Int, relay: Int
    ) {
        self.address = address
        self.listen = listen
        self.dataDir = dataDir
        self.pid = pid
        self.startedAtMs = startedAtMs
        self.links = links
        self.outboxPending = outboxPending
        self.outboxDelivered = outboxDelivered
        self.inbox = inbox
        self.relay = relay
    }
}

/// `ferry status --json` `faults` (a node started with `--testing`): what it does to one peer's links.
public struct FaultInfo: Codable, Sendable, Equatable {
    /// The peer's address.
    public var peer: String
    /// Every link with the peer is closed and refused.
    public var cut: Bool
    /// Percent of writes to the peer held back a retransmission timeout, and the delay of every write.
    public var lossPercent: Double
    public var delayMs: UInt64

    public init(peer: String, cut: Bool, lossPercent: Double, delayMs: UInt64) {
        self.peer = peer
        self.cut = cut
        self.lossPercent = lossPercent
        self.delayMs = delayMs
    }
}

/// `ferry peers`: one link.
public struct PeerInfo: Codable, Sendable, Equatable {
    /// Peer address, once the handshake told us; empty before.
    public var address: String
    /// Contact name, if the address is in the contact book.
    public var name: String?
    public var endpoint: String
    /// `out` if we dialled, `in` if the peer did.
    public var direction: String
    public var established: Bool
    public var sinceMs: UInt64
    public var inflight: Int
    /// `up`, `handshake`, or for a seed that is not linked: `dialling`, `waiting` (for a retry),
    /// `linked-inbound` (its node dialled us instead), `self` (the seed is this node).
    public var state: String?
    /// True for a configured `--peer` seed.
    public var seed: Bool?
    /// How the node came to this peer: `seed`, `beacon`, `exchange` (peer exchange), `inbound`.
    public var foundBy: String?
    /// A seed's last dial or link failure, e.g. "connection refused".
    public var lastError: String?
    /// A waiting seed's next dial, in milliseconds from now.
    public var retryInMs: UInt64?
    /// Envelope bytes in flight (no proof yet) and ciphertext not yet written by the socket.
    public var inflightBytes: Int?
    public var queuedBytes: Int?

    public init(
        address: String, name: String?, endpoint: String, direction: String, established: Bool, sinceMs: UInt64,
        inflight: Int
    ) {
        self.address = address
        self.name = name
        self.endpoint = endpoint
        self.direction = direction
        self.established = established
        self.sinceMs = sinceMs
        self.inflight = inflight
    }
}

/// `ferry inbox --json`: one received message. Field names are a contract for scripts.
public struct InboxItem: Codable, Sendable, Equatable {
    public var seq: Int64
    public var id: String
    /// Sender address.
    public var from: String
    /// Sender's contact name, if known.
    public var fromName: String?
    public var text: String
    /// ISO 8601 UTC, from the sender's clock.
    public var sentAt: String
    /// ISO 8601 UTC, from this node's clock.
    public var receivedAt: String
    public var sentAtMs: UInt64
    public var receivedAtMs: UInt64
    /// `direct`, `coordinator` or `mesh`.
    public var path: String
    public var hops: Int

    public init(
        seq: Int64, id: String, from: String, fromName: String?, text: String, sentAtMs: UInt64,
        receivedAtMs: UInt64, path: String, hops: Int
    ) {
        self.seq = seq
        self.id = id
        self.from = from
        self.fromName = fromName
        self.text = text
        self.sentAtMs = sentAtMs
        self.receivedAtMs = receivedAtMs
        self.sentAt = ControlJSON.isoTime(milliseconds: sentAtMs)
        self.receivedAt = ControlJSON.isoTime(milliseconds: receivedAtMs)
        self.path = path
        self.hops = hops
    }
}

/// `ferry status --json` `refusals`: what peers made the node refuse or ignore since it started.
public struct RefusalCounts: Codable, Sendable, Equatable {
    public var handshakesEvicted: Int
    public var linksRefused: Int
    public var pingsIgnored: Int
    public var invalidEnvelopes: Int
    public var framesTimedOut: Int
    public var logLinesSuppressed: Int
    /// Reconciliations dropped because the peer stopped answering (absent from older nodes).
    public var syncsAbandoned: Int?
    /// Links closed because the peer kept sending but stopped reading (absent from older nodes).
    public var linksNotReading: Int?

    public init(
        handshakesEvicted: Int, linksRefused: Int, pingsIgnored: Int, invalidEnvelopes: Int, framesTimedOut: Int,
        logLinesSuppressed: Int, syncsAbandoned: Int? = nil, linksNotReading: Int? = nil
    ) {
        self.syncsAbandoned = syncsAbandoned
        self.linksNotReading = linksNotReading
        self.handshakesEvicted = handshakesEvicted
        self.linksRefused = linksRefused
        self.pingsIgnored = pingsIgnored
        self.invalidEnvelopes = invalidEnvelopes
        self.framesTimedOut = framesTimedOut
        self.logLinesSuppressed = logLinesSuppressed
    }
}

/// `ferry outbox`: one own message not yet delivered.
public struct OutboxItem: Codable, Sendable, Equatable {
    public var id: String
    /// Destination address, and its contact name if known.
    public var to: String
    public var toName: String?
    public var createdAtMs: UInt64
    /// Copies handed on to relays so far.
    public var copiesOut: Int
    /// When it was last offered on a link since the node started (absent: not yet).
    public var lastOfferedMs: UInt64?
    /// Links it is in flight on now.
    public var inflightLinks: Int

    public init(
        id: String, to: String, toName: String?, createdAtMs: UInt64, copiesOut: Int, lastOfferedMs: UInt64?,
        inflightLinks: Int
    ) {
        self.id = id
        self.to = to
        self.toName = toName
        self.createdAtMs = createdAtMs
        self.copiesOut = copiesOut
        self.lastOfferedMs = lastOfferedMs
        self.inflightLinks = inflightLinks
    }
}

/// `ferry status --json` `discovery`: whether it is on, and what it did since start.
public struct DiscoveryStatus: Codable, Sendable, Equatable {
    /// Beacons and peer exchange on (`--no-discovery` turns them off).
    public var enabled: Bool
    /// Beacons on (discovery on, and a LAN address to be reached at).
    public var beacons: Bool
    public var beaconsSent: Int
    public var beaconsHeard: Int
    public var beaconsRejected: Int
    public var exchangesHeard: Int
    public var exchangeRejected: Int
    public var announcesLearnt: Int
    public var announcesRejected: Int
    /// Endpoints known: seeds and those learnt from beacons and peers.
    public var knownEndpoints: Int

    public init(
        enabled: Bool, beacons: Bool, beaconsSent: Int, beaconsHeard: Int, beaconsRejected: Int, exchangesHeard: Int,
        exchangeRejected: Int, announcesLearnt: Int, announcesRejected: Int, knownEndpoints: Int
    ) {
        self.enabled = enabled
        self.beacons = beacons
        self.beaconsSent = beaconsSent
        self.beaconsHeard = beaconsHeard
        self.beaconsRejected = beaconsRejected
        self.exchangesHeard = exchangesHeard
        self.exchangeRejected = exchangeRejected
        self.announcesLearnt = announcesLearnt
        self.announcesRejected = announcesRejected
        self.knownEndpoints = knownEndpoints
    }
}

/// `ferry directory`: one identity record this node knows, so its address can be sent to.
public struct DirectoryItem: Codable, Sendable, Equatable {
    public var address: String
    /// Contact name, if it is a contact.
    public var name: String?
    /// How it was learnt: `hello` (a link), `announce` (spread through the mesh), `message` (inside a
    /// message), `stored` (from before this start).
    public var how: String
    /// When it was learnt (or stored), ms since the epoch.
    public var learntAtMs: UInt64
    /// When the record expires.
    public var expiresAtMs: UInt64

    public init(address: String, name: String?, how: String, learntAtMs: UInt64, expiresAtMs: UInt64) {
        self.address = address
        self.name = name
        self.how = how
        self.learntAtMs = learntAtMs
        self.expiresAtMs = expiresAtMs
    }
}

/// `ferry status --json` `coordinators`: one configured coordinator.
public struct CoordinatorInfo: Codable, Sendable, Equatable {
    public var endpoint: String
    /// Its address, once known (pinned, or learnt at the first link).
    public var address: String
    /// `up` or `down`.
    public var state: String
    /// Since when it has been up, ms since the epoch (absent while down).
    public var sinceMs: UInt64?
    /// Own messages handed to it since this node started.
    public var handed: Int
    /// Why the last dial or link failed, while down.
    public var lastError: String?

    public init(endpoint: String, address: String, state: String, sinceMs: UInt64?, handed: Int, lastError: String?) {
        self.endpoint = endpoint
        self.address = address
        self.state = state
        self.sinceMs = sinceMs
        self.handed = handed
        self.lastError = lastError
    }
}

/// `ferry status --json` `mailboxes` (a coordinator): messages and bytes held, in all and per address.
public struct MailboxStatus: Codable, Sendable, Equatable {
    public var messages: Int
    public var bytes: Int
    public var quotaBytes: Int
    public var quotaBytesPerAddress: Int
    /// The addresses with the most bytes waiting (at most 32).
    public var addresses: [MailboxInfo]

    public init(messages: Int, bytes: Int, quotaBytes: Int, quotaBytesPerAddress: Int, addresses: [MailboxInfo]) {
        self.messages = messages
        self.bytes = bytes
        self.quotaBytes = quotaBytes
        self.quotaBytesPerAddress = quotaBytesPerAddress
        self.addresses = addresses
    }
}

/// One address's mailbox on a coordinator.
public struct MailboxInfo: Codable, Sendable, Equatable {
    public var address: String
    public var messages: Int
    public var bytes: Int

    public init(address: String, messages: Int, bytes: Int) {
        self.address = address
        self.messages = messages
        self.bytes = bytes
    }
}
