import FerryControl

/// The three A→B scenarios. Each sends `texts` to contact "b" and returns its stamps; the
/// runner adds B's inbox arrivals, waits for the pair to go quiet and meters the nodes.
enum Scenarios {
    /// Sends outstanding at once in the sustained scenario.
    static let pipelineDepthMax = 64

    /// Back to back with at most `pipelineDepthMax` sends unanswered.
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
        return Timings(sendStamps: Dictionary(uniqueKeysWithValues: zip(ids, stamps)), arrivals: [:])
    }

    /// Each send waits for its receipt before the next.
    static func oneAtATime(_ client: ControlClient, _ texts: [String], _ deadline: Deadline) throws -> Timings {
        var timings = Timings(sendStamps: [:], arrivals: [:])
        for text in texts {
            let stamp = try Control.writeSend(client, text: text)
            let id = try Control.receiveID(client, deadline)
            try client.send(ControlRequest(op: "wait", id: id))
            let (receiptID, receiptStamp) = try Control.receiveReceipt(client, deadline)
            guard receiptID == id else { throw BenchError.node("wait for \(id) answered for \(receiptID)") }
            timings.sendStamps[id] = stamp
            timings.receiptStamps[id] = receiptStamp
        }
        return timings
    }

    /// All sends written at once, then a `wait` for every one of them.
    static func burst(_ client: ControlClient, _ texts: [String], _ deadline: Deadline) throws -> Timings {
        let stamps = try texts.map { try Control.writeSend(client, text: $0) }
        let ids = try texts.map { _ in try Control.receiveID(client, deadline) }
        var timings = Timings(sendStamps: Dictionary(uniqueKeysWithValues: zip(ids, stamps)), arrivals: [:])
        for id in ids { try client.send(ControlRequest(op: "wait", id: id)) }
        // Wait replies come as receipts arrive, so they are matched by id, not by order.
        for _ in ids {
            let (id, stamp) = try Control.receiveReceipt(client, deadline)
            timings.receiptStamps[id] = stamp
        }
        return timings
    }
}
