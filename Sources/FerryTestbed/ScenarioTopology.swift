import FerryNode

/// The processes of a scenario: its coordinators and nodes, with every `peers` and `coordinators`
/// reference checked, and the line each name was defined on.
struct ScenarioTopology {
    var coordinators: [CoordinatorSpec] = []
    var nodes: [NodeSpec] = []
    /// The line of each name's definition (a group's line for its members).
    var lines: [String: Int] = [:]
    /// What each name is, known as soon as it is defined (before references are resolved).
    var roles: [String: ScenarioRole] = [:]

    func isNode(_ name: String) -> Bool { roles[name] == .node }
    func isCoordinator(_ name: String) -> Bool { roles[name] == .coordinator }
    func contains(_ name: String) -> Bool { roles[name] != nil }
    func startsRunning(_ name: String) -> Bool {
        nodes.first { $0.name == name }?.startsRunning ?? coordinators.first { $0.name == name }?.startsRunning ?? false
    }

    /// Whether two processes ever link without discovery: one lists the other in `peers`, or a node
    /// lists a coordinator in `coordinators`.
    func configuredLink(_ a: String, _ b: String) -> Bool {
        func dials(_ x: String, _ y: String) -> Bool {
            if let node = nodes.first(where: { $0.name == x }) { return node.peers.contains(y) || node.coordinators.contains(y) }
            return coordinators.first { $0.name == x }?.peers.contains(y) ?? false
        }
        return dials(a, b) || dials(b, a)
    }
}

/// What a name in a scenario is.
enum ScenarioRole {
    case node, coordinator
}

/// Reads `coordinators:` and `nodes:` into a `ScenarioTopology`.
struct ScenarioTopologyReader {
    let reader: ScenarioReader
    /// Seeds `peers: random K`.
    let seed: UInt64

    /// A process as read, its references not yet checked.
    private struct Pending {
        var name: String
        var line: Int
        var peers: [ScenarioName]
        var coordinators: [ScenarioName]
        var startsRunning: Bool
    }

    static let coordinatorKeys = ["name", "peers", "start"]
    static let nodeKeys = ["name", "group", "coordinators", "peers", "start"]
    static let groupKeys = ["prefix", "count"]

    func read(coordinators coordinatorsNode: YAMLTree?, nodes nodesNode: YAMLTree) throws(ScenarioError) -> ScenarioTopology {
        var topology = ScenarioTopology()
        var pendingCoordinators: [Pending] = []
        for item in try coordinatorsNode.map({ (node) throws(ScenarioError) in try reader.list(node, what: "'coordinators'") }) ?? [] {
            let pending = try coordinator(item)
            try define(pending.name, as: .coordinator, line: pending.line, in: &topology)
            pendingCoordinators.append(pending)
        }
        let nodeItems = try reader.list(nodesNode, what: "'nodes'")
        guard !nodeItems.isEmpty else { throw reader.fail(nodesNode, "'nodes' is empty; a scenario needs at least one node") }
        var pendingNodes: [Pending] = []
        for item in nodeItems {
            for pending in try nodeEntry(item) {
                try define(pending.name, as: .node, line: pending.line, in: &topology)
                pendingNodes.append(pending)
            }
        }
        topology.coordinators = try pendingCoordinators.map { (pending) throws(ScenarioError) in
            CoordinatorSpec(
                name: pending.name, peers: try resolve(pending.peers, of: pending.name, as: .coordinator, in: topology),
                startsRunning: pending.startsRunning)
        }
        topology.nodes = try pendingNodes.map { (pending) throws(ScenarioError) in
            NodeSpec(
                name: pending.name, peers: try resolve(pending.peers, of: pending.name, as: .node, in: topology),
                coordinators: try resolve(pending.coordinators, of: pending.name, as: .coordinator, in: topology),
                startsRunning: pending.startsRunning)
        }
        return topology
    }

    /// Records a name; a second definition or one process too many is an error at its line.
    private func define(_ name: String, as role: ScenarioRole, line: Int, in topology: inout ScenarioTopology) throws(ScenarioError) {
        if let first = topology.lines[name] {
            throw reader.fail(line: line, "the name '\(name)' is already used on line \(first); every node and coordinator needs its own name")
        }
        guard topology.lines.count < ScenarioLimits.processesMax else {
            throw reader.fail(line: line, "more than \(ScenarioLimits.processesMax) nodes and coordinators; each is a real process, so a scenario has at most \(ScenarioLimits.processesMax)")
        }
        topology.lines[name] = line
        topology.roles[name] = role
    }

    // MARK: Entries

    private func coordinator(_ item: YAMLTree) throws(ScenarioError) -> Pending {
        let fields = try reader.fields(item, allowed: Self.coordinatorKeys, what: "a coordinator")
        let name = try reader.name(try fields.required("name", in: reader, what: "a coordinator"), what: "a coordinator's name")
        return Pending(
            name: name, line: item.line, peers: try fields["peers"].map { (node) throws(ScenarioError) in try nameList(node, what: "'peers'") } ?? [],
            coordinators: [], startsRunning: try start(fields["start"]))
    }

    /// One `nodes` item: a node, or a group of them.
    private func nodeEntry(_ item: YAMLTree) throws(ScenarioError) -> [Pending] {
        let fields = try reader.fields(item, allowed: Self.nodeKeys, what: "a node")
        let coordinators = try fields["coordinators"].map { (node) throws(ScenarioError) in try nameList(node, what: "'coordinators'") } ?? []
        let startsRunning = try start(fields["start"])
        switch (fields["name"], fields["group"]) {
        case (let nameNode?, nil):
            let name = try reader.name(nameNode, what: "a node's name")
            var peers: [ScenarioName] = []
            if let peersNode = fields["peers"] {
                if case .scalar(let word, plain: true) = peersNode.value, ["ring", "all"].contains(word) || word.hasPrefix("random") {
                    throw reader.fail(peersNode, "'peers: \(word)' is for a group of nodes; give this node a list of names")
                }
                peers = try nameList(peersNode, what: "'peers'")
            }
            return [Pending(name: name, line: item.line, peers: peers, coordinators: coordinators, startsRunning: startsRunning)]
        case (nil, let groupNode?):
            let names = try groupNames(groupNode)
            let peers = try groupPeers(fields["peers"], members: names)
            return names.indices.map { index in
                Pending(name: names[index], line: item.line, peers: peers[index], coordinators: coordinators, startsRunning: startsRunning)
            }
        case (.some, .some):
            throw reader.fail(item, "a node has either 'name' (one node) or 'group' (several), not both")
        case (nil, nil):
            throw reader.fail(item, "a node needs 'name' (one node) or 'group: {prefix: n, count: 20}' (n1 … n20)")
        }
    }

    /// `start: later` (only a `start` event starts it) or `start: now` (the default).
    private func start(_ node: YAMLTree?) throws(ScenarioError) -> Bool {
        guard let node else { return true }
        switch try reader.text(node, what: "'start'", expected: "'now' or 'later'") {
        case "now": return true
        case "later": return false
        case let other: throw reader.fail(node, "'start' must be 'now' (the default) or 'later' (started by a start event), not '\(ScenarioReader.shortened(other))'")
        }
    }

    /// A list of names without repeats; no value or `none` is an empty list.
    private func nameList(_ node: YAMLTree, what: String) throws(ScenarioError) -> [ScenarioName] {
        if case .scalar("none", plain: true) = node.value { return [] }
        var result: [ScenarioName] = []
        for item in try reader.list(node, what: what) {
            let name = try reader.name(item, what: "a name in \(what)")
            guard !result.contains(where: { $0.name == name }) else { throw reader.fail(item, "\(what) names '\(name)' twice") }
            result.append(ScenarioName(name: name, line: item.line))
        }
        return result
    }

    // MARK: Groups

    /// `group: {prefix: n, count: 20}` → n1 … n20.
    private func groupNames(_ node: YAMLTree) throws(ScenarioError) -> [String] {
        let fields = try reader.fields(node, allowed: Self.groupKeys, what: "a group")
        let prefixNode = try fields.required("prefix", in: reader, what: "a group")
        let prefix = try reader.text(prefixNode, what: "a group's 'prefix'", expected: "the start of its names, like 'n'")
        let count = try reader.wholeNumber(try fields.required("count", in: reader, what: "a group"), what: "a group's 'count'", in: 1...ScenarioLimits.processesMax)
        let names = (1...count).map { "\(prefix)\($0)" }
        try reader.checkName(names[names.count - 1], at: prefixNode, what: "the group's last name", bytesMax: ScenarioLimits.nameBytesMax)
        return names
    }

    /// Each member's peers: `ring` (each dials the next, the last the first), `all` (each dials every
    /// later member: one link per pair), `none`, `random K` (each dials K others drawn with the
    /// scenario's seed, unless that other already dials it), or a list every member dials.
    private func groupPeers(_ node: YAMLTree?, members: [String]) throws(ScenarioError) -> [[ScenarioName]] {
        guard let node else { return members.map { _ in [] } }
        let line = node.line
        func named(_ lists: [[String]]) -> [[ScenarioName]] { lists.map { $0.map { ScenarioName(name: $0, line: line) } } }
        guard case .scalar(let word, plain: true) = node.value else {
            let listed = try nameList(node, what: "'peers'")
            return members.map { member in listed.filter { $0.name != member } }
        }
        switch word {
        case "none": return members.map { _ in [] }
        case "ring":
            return named(members.indices.map { index in
                let next = (index + 1) % members.count
                // One member has no ring; two make one link, dialled by the first.
                return next == index || (members.count == 2 && index == 1) ? [] : [members[next]]
            })
        case "all": return named(members.indices.map { Array(members[($0 + 1)...]) })
        default:
            let parts = word.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0] == "random", let count = Int(parts[1]), count >= 1 else {
                throw reader.fail(node, "a group's 'peers' must be ring, all, none, 'random K' (like 'random 3') or a list of names, not '\(ScenarioReader.shortened(word))'")
            }
            guard count < members.count else {
                throw reader.fail(node, "'peers: random \(count)' needs more than \(count) members; the group has \(members.count)")
            }
            return named(ScenarioRandomPeers.draw(members: members, count: count, seed: seed, salt: members[0]))
        }
    }

    // MARK: References

    /// Checks that every name refers to a process of the right role and not to its owner.
    private func resolve(_ names: [ScenarioName], of owner: String, as role: ScenarioRole, in topology: ScenarioTopology) throws(ScenarioError) -> [String] {
        try names.map { (reference) throws(ScenarioError) in
            let name = reference.name
            guard name != owner else { throw reader.fail(line: reference.line, "'\(owner)' lists itself; a process does not link to itself") }
            switch role {
            case .node:
                if topology.isCoordinator(name) {
                    throw reader.fail(line: reference.line, "'\(owner)' lists coordinator '\(name)' in peers; list it under 'coordinators'")
                }
                guard topology.isNode(name) else {
                    throw reader.fail(line: reference.line, "'\(owner)' names peer '\(name)', which is not in nodes")
                }
            case .coordinator:
                if topology.isNode(name) {
                    throw reader.fail(line: reference.line, "'\(owner)' names '\(name)' as a coordinator, but it is a node; a node goes in 'peers'")
                }
                guard topology.isCoordinator(name) else {
                    throw reader.fail(line: reference.line, "'\(owner)' names coordinator '\(name)', which is not in coordinators")
                }
            }
            return name
        }
    }
}

/// `peers: random K` for a group: a deterministic draw from the scenario's seed (SplitMix64), the
/// same on every machine, so a topology can be reproduced from the file alone.
enum ScenarioRandomPeers {
    /// For each member, the members it dials: K others drawn at random, skipping one that already
    /// dials it (the link exists then), so each member links to at least K others.
    static func draw(members: [String], count: Int, seed: UInt64, salt: String) -> [[String]] {
        var state = seed ^ fnv1a(salt)
        var dials: [[Int]] = members.map { _ in [] }
        for index in members.indices {
            var others = members.indices.filter { $0 != index }
            // Fisher-Yates over the others, then take the first `count`.
            for position in stride(from: others.count - 1, to: 0, by: -1) {
                let pick = Int(next(&state) % UInt64(position + 1))
                others.swapAt(position, pick)
            }
            dials[index] = others.prefix(count).filter { !dials[$0].contains(index) }.sorted()
        }
        return dials.map { $0.map { members[$0] } }
    }

    static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0100_0000_01B3 }
    }
}
