import FerryControl
import Foundation

/// What the runner watches while the timeline plays: every inbox, each process's status and
/// memory, and processes that end without the scenario saying so.
extension Testbed {
    /// Reads what `member`'s inbox follower has and matches it to the messages sent.
    func drainInbox(of member: TestbedMember) {
        guard let follower = member.follower else { return }
        for item in follower.drain() where item.seq > member.lastSeq {
            member.lastSeq = item.seq
            log.observe(item, at: member.name, atMs: clock.runTime(wallMilliseconds: item.receivedAtMs))
        }
        if !follower.isOpen { member.follower = nil }
    }

    /// Opens a follower on every running node that has none (at the start, and after a restart),
    /// going on after the last sequence number read. A node not answering yet is tried again on
    /// the next turn of the loop.
    func reconnectFollowers() {
        for member in members where member.role == .node && member.follower == nil && member.isUp {
            member.follower = try? InboxFollower(socketPath: member.controlSocketPath, afterSeq: member.lastSeq)
        }
    }

    /// Asks every running process for its status, samples memory, notes relay copies, and
    /// redraws the live view.
    func statusRound() {
        var relay: [String: Int] = [:]
        var notCounted: [String] = []
        for member in members {
            guard member.isUp else {
                if member.role == .node { notCounted.append(member.name) }
                continue
            }
            member.sampleMemory()
            let reply = try? member.call(ControlRequest(op: "status"), timeoutMilliseconds: TestbedLimits.statusCallMillisecondsMax)
            member.status = reply?.status
            guard let status = reply?.status else {
                if member.role == .node { notCounted.append(member.name) }
                continue
            }
            member.storedMessages = status.outboxPending + status.relay + (status.mailboxes?.messages ?? 0)
            if member.role == .node { relay[member.name] = status.relay }
        }
        relayRounds.append(RelayRound(atMs: clock.now, relayByNode: relay, notCounted: notCounted))
        view.update(snapshot())
    }

    /// A process that ended while the scenario has it running: a crash of the system under test.
    func noticeUnexpectedEnds() {
        for member in members {
            guard let process = member.process, let end = process.poll() else { continue }
            drainInbox(of: member)
            let text = "\(member.name) exited on its own at \(TextFormat.moment(clock.now)) (\(end)); its log: \(logTail(member))"
            problems.append(text)
            view.event(text, atMs: clock.now)
            member.processEnded()
        }
    }

    /// What the live view shows now.
    func snapshot() -> LiveSnapshot {
        let rows = members.map { member in
            LiveSnapshot.Row(
                name: member.name, role: member.role.rawValue, isUp: member.isUp, links: member.status?.links,
                outboxPending: member.status?.outboxPending, relay: member.status?.relay,
                mailbox: member.status?.mailboxes?.messages, delivered: log.deliveredTo[member.name] ?? 0)
        }
        var byPath: [String: Int] = [:]
        for record in log.records { if let path = record.path { byPath[path, default: 0] += 1 } }
        return LiveSnapshot(
            scenario: scenario.name, nowMs: clock.now, rows: rows, sent: log.sentCount, delivered: log.deliveredCount,
            byPath: byPath, lastEvent: lastEventText)
    }
}
