import FerryControl

/// The nodes' fault hook (`ferry run --testing`, control op `fault`, docs/CONTROL.md §Faults) as
/// the hosts use it: `cut`/`heal` close and refuse the links with a peer, `impair` delays and holds
/// back this end's writes to it, `clear` removes that. Loopback faults every link so; netns only
/// what its network cannot do here (loss and delay without `tc netem`, say).
enum FaultHook {
    /// Brings `end`'s side of its link with `peer` from `old` to `new` through `end`'s control socket.
    static func apply(at end: LinkEnd, peer: LinkEnd, from old: LinkCondition, to new: LinkCondition) throws {
        for request in requests(peer: peer.address, from: old, to: new) {
            let reply: ControlReply
            do {
                let client = try ControlClient(socketPath: end.controlSocketPath, dataDir: end.name)
                reply = try client.call(request, timeoutMilliseconds: TestbedLimits.faultCallMillisecondsMax)
            } catch {
                throw TestbedError.runner("cannot apply fault \(request.fault ?? "?") at \(end.name) for \(peer.name): \(error)")
            }
            guard reply.ok else {
                throw TestbedError.runner(
                    "\(end.name) refused fault \(request.fault ?? "?") for \(peer.name): \(reply.error ?? "no reason given")")
            }
        }
    }

    /// The fault requests that take one end of a link from `old` to `new`: only what changed.
    static func requests(peer: String, from old: LinkCondition, to new: LinkCondition) -> [ControlRequest] {
        var requests: [ControlRequest] = []
        func fault(_ kind: String, _ impairment: LinkCondition.Impairment? = nil) {
            var request = ControlRequest(op: "fault")
            request.fault = kind
            request.peer = peer
            request.lossPercent = impairment?.lossPercent
            request.delayMs = impairment?.delayMilliseconds
            requests.append(request)
        }
        if old.isCut != new.isCut { fault(new.isCut ? "cut" : "heal") }
        // `clear` removes the impairment only; a cut stays.
        if old.impairment != new.impairment {
            if let impairment = new.impairment { fault("impair", impairment) } else { fault("clear") }
        }
        return requests
    }
}
