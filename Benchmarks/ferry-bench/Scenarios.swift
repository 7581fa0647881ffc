import FerryControl

/// The scenario bodies. Each sends `texts` to contact "b" and returns its stamps; the runner adds
/// B's inbox arrivals, waits for the nodes to go quiet and meters them. The delivery proof is the
/// receipt: a `wait` is answered when it reaches the sender.
enum Scenarios {
    /// Sends outstanding at once in the sustained scenarios.
    static let pipelineDepthMax = 64

    /// Sends `count` bodies of `bodyBytes` from `seed` with up to `pipelineDepthMax` unanswered and
    /// returns the seconds until the last was accepted (sealed and committed). Bodies are made one at
    /// a time, so the bench never holds them all. For queueing at a node whose peer is down.
    static func queue(_ client: ControlClient, count: Int, bodyBytes: Int, seed: UInt64, _ deadline: Deadline) throws -> Double {
        var random = SeededRandom(seed: seed)
        var written = 0, accepted = 0
        let start = MonotonicClock.nanoseconds()
        while accepted < count {
            while written < count && written - accepted < pipelineDepthMax {
                _ = try Control.writeSend(client, text: Payload.texts(count: 1, byteCount: bodyBytes, random: &random)[0])
                written += 1
            }
            _ = try Control.receiveID(client, deadline)
            accepted += 1
        }
        return Double(MonotonicClock.nanoseconds() - start) / 1e9
    }

    /// Back to back with at most `pipelineDepthMax` sends unanswered (scenario 1: no `wait`s).
    static func sustained(_ client: ControlClient, _ texts: [String], _ deadline: Deadline) throws -> Timings {
        var stamps: [UInt64] = []
        var ids: [String] = []
        stamps.reserveCapacity(texts.count)
        while ids.count < texts.count {
            while stamps.count < texts.count && stamps.count - ids.count < pipelineDepthMax {
                stamps.append(try Control.writeSend(client, text: texts[stamps.count]))
            }
            // Replies come in request order, so the k-th reply names the k-th send.
            ids.append(try Control.receiveID(client, deadline))
        }
        return Timings(sendStamps: Dictionary(uniqueKeysWithValues: zip(ids, stamps)))
    }

    /// As `sustained`, and each message's `wait` is written on the same connection as soon as its
    /// send is answered, so its proof is stamped when it reaches A. `send` replies come in request
    /// order; `wait` replies come when their proof does and carry `delivered`, which tells them apart.
    static func sustainedWithProofs(_ client: ControlClient, _ texts: [String], _ deadline: Deadline) throws -> Timings {
        var stamps: [UInt64] = []
        var ids: [String] = []
        var timings = Timings()
        stamps.reserveCapacity(texts.count)
        while ids.count < texts.count || timings.proofStamps.count < texts.count {
            while stamps.count < texts.count && stamps.count - ids.count < pipelineDepthMax {
                stamps.append(try Control.writeSend(client, text: texts[stamps.count]))
            }
            let reply = try Control.receiveOK(client, deadline, what: "send or wait")
            if let proof = Control.proof(in: reply, stamp: MonotonicClock.nanoseconds()) {
                timings.noteProof(proof)
                continue
            }
            guard let id = reply.id else { throw BenchError.node("send reply without id") }
            timings.sendStamps[id] = stamps[ids.count]
            ids.append(id)
            try client.send(ControlRequest(op: "wait", id: id))
        }
        return timings
    }

    /// Each send waits for its delivery proof before the next.
    static func oneAtATime(_ client: ControlClient, _ texts: [String], _ deadline: Deadline) throws -> Timings {
        var timings = Timings()
        for text in texts {
            let stamp = try Control.writeSend(client, text: text)
            let id = try Control.receiveID(client, deadline)
            try client.send(ControlRequest(op: "wait", id: id))
            let proof = try Control.receiveProof(client, deadline)
            guard proof.id == id else { throw BenchError.node("wait for \(id) answered for \(proof.id)") }
            timings.sendStamps[id] = stamp
            timings.noteProof(proof)
        }
        return timings
    }

    /// All sends written at once, then a `wait` for every one of them.
    static func burst(_ client: ControlClient, _ texts: [String], _ deadline: Deadline) throws -> Timings {
        let stamps = try texts.map { try Control.writeSend(client, text: $0) }
        let ids = try texts.map { _ in try Control.receiveID(client, deadline) }
        var timings = Timings(sendStamps: Dictionary(uniqueKeysWithValues: zip(ids, stamps)))
        for id in ids { try client.send(ControlRequest(op: "wait", id: id)) }
        // Wait replies come as proofs arrive, so they are matched by id, not by order.
        for _ in ids { timings.noteProof(try Control.receiveProof(client, deadline)) }
        return timings
    }
}
