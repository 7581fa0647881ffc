import FerryControl

/// The timeline's traffic: `send` requests on the senders' control sockets, pipelined, with
/// every accepted message id recorded at the time it was sent.
extension Testbed {
    /// Requests written on one connection before their replies are read.
    static let sendBatchMax = 100

    /// One step's messages on their way: the first batch written, its replies not yet read.
    private struct SendInFlight {
        let step: PlannedStep
        let sender: TestbedMember
        let client: ControlClient
        let batch: Int
        let sentAt: UInt64
    }

    /// Sends the steps due now: the first batch of each is written to its sender before any reply
    /// is read, so senders commit in parallel; the rest of a large `count` follows batch by batch.
    func send(_ steps: [PlannedStep]) {
        var inFlight: [SendInFlight] = []
        for step in steps {
            announceEvent(of: step)
            guard case .send(let from, let to, let count, let bytes) = step.action else { continue }
            if let started = startBatch(step, from: from, to: to, count: min(count, Self.sendBatchMax), bytes: bytes) {
                inFlight.append(started)
            }
        }
        // Every first batch is read before any more is written: steps may share a sender, and
        // replies on one connection come in request order.
        let finished = inFlight.filter { finishBatch($0) }
        for batch in finished {
            guard case .send(let from, let to, let count, let bytes) = batch.step.action else { continue }
            var remaining = count - batch.batch
            while remaining > 0, let next = startBatch(batch.step, from: from, to: to, count: min(remaining, Self.sendBatchMax), bytes: bytes) {
                remaining -= next.batch
                guard finishBatch(next) else { break }
            }
        }
    }

    /// One event line for a `send`, and for a `rate` only at its first message.
    private func announceEvent(of step: PlannedStep) {
        guard announcedEvents.insert(step.eventIndex).inserted, step.eventIndex < scenario.timeline.count else { return }
        let text = Self.describe(scenario.timeline[step.eventIndex].event)
        lastEventText = "\(text) (\(TextFormat.moment(clock.now)))"
        view.event(text, atMs: clock.now)
    }

    /// Writes `count` send requests to `from`. The checks played the timeline on paper, so `from`
    /// is running unless it ended on its own, which is then a problem of the run.
    private func startBatch(_ step: PlannedStep, from: String, to: String, count: Int, bytes: Int) -> SendInFlight? {
        let sentAt = clock.now
        guard let sender = byName[from], sender.isUp else {
            problems.append("\(from) was down at \(TextFormat.moment(sentAt)) when it was to send \(count) to \(to)")
            return nil
        }
        do {
            let client = try sender.controlClient()
            for _ in 0..<count { try client.send(ControlRequest(op: "send", to: to, text: nextBody(bytes: bytes))) }
            return SendInFlight(step: step, sender: sender, client: client, batch: count, sentAt: sentAt)
        } catch {
            sender.dropControl()
            problems.append("sending \(count) from \(from) to \(to) at \(TextFormat.moment(sentAt)) failed: \(error)")
            return nil
        }
    }

    /// Reads a batch's replies and records each message id; false if the connection failed.
    private func finishBatch(_ batch: SendInFlight) -> Bool {
        guard case .send(let from, let to, _, _) = batch.step.action else { return false }
        for index in 0..<batch.batch {
            do {
                let reply = try batch.client.receive(timeoutMilliseconds: TestbedLimits.sendCallMillisecondsMax)
                guard reply.ok, let id = reply.id else {
                    problems.append("\(from) refused a send to \(to) at \(TextFormat.moment(batch.sentAt)): \(reply.error ?? "no id")")
                    continue
                }
                log.sent(id: id, from: from, to: to, atMs: batch.sentAt)
            } catch {
                batch.sender.dropControl()
                problems.append(
                    "\(batch.batch - index) sends from \(from) to \(to) at \(TextFormat.moment(batch.sentAt)) got no answer: \(error)")
                return false
            }
        }
        return true
    }

    /// A message body of exactly `bytes` bytes: a serial number for the logs, then seeded letters.
    private func nextBody(bytes: Int) -> String {
        messageSerial += 1
        return MessageBody.make(serial: messageSerial, bytes: bytes, random: &bodyRandom)
    }
}

/// Message bodies: `testbed #SERIAL ` then seeded letters up to the size asked for.
enum MessageBody {
    static let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

    static func make(serial: Int, bytes: Int, random: inout SeededRandom) -> String {
        var body = Array("testbed #\(serial) ".utf8.prefix(bytes))
        body.reserveCapacity(bytes)
        while body.count < bytes { body.append(letters[Int(random.next() % UInt64(letters.count))]) }
        return String(decoding: body, as: UTF8.self)
    }
}
