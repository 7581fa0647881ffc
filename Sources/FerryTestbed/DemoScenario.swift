/// `ferry demo`'s story in under a minute (docs/TESTBED.md §The demo): a coordinator and five
/// nodes in a ring; messages between nodes that are not neighbours go through the coordinator;
/// the coordinator is killed and they go hop by hop through the mesh; a node goes offline and
/// catches up on its return; the coordinator comes back and carries the mail again. The
/// expectations check that the paths the inboxes report are the ones the story tells.
public enum DemoScenario {
    static let nodes = ["ana", "ben", "cai", "dee", "eli"]
    /// Pairs two steps apart on the ring, so a message never goes direct.
    static let pairs = [("ana", "cai"), ("ben", "dee"), ("cai", "eli"), ("dee", "ana"), ("eli", "ben")]
    static let hub = "hub"

    static let killHubMs: UInt64 = 10_000
    static let deeOfflineMs: UInt64 = 18_000
    static let deeBackMs: UInt64 = 26_000
    static let hubBackMs: UInt64 = 29_000

    public static var scenario: Scenario {
        let ring = nodes.indices.map { index in
            NodeSpec(name: nodes[index], peers: [nodes[(index + 1) % nodes.count]], coordinators: [hub])
        }
        var timeline: [TimedEvent] = []
        func traffic(from start: UInt64, forMilliseconds duration: UInt64, skipping offline: String? = nil) {
            for (from, to) in pairs where from != offline {
                timeline.append(TimedEvent(atMilliseconds: start, event: .rate(from: from, to: to, perSecond: 1, forMilliseconds: duration, bytes: 200)))
            }
        }
        traffic(from: 1_000, forMilliseconds: 8_000)
        timeline.append(TimedEvent(atMilliseconds: killHubMs, event: .kill(hub)))
        traffic(from: 11_000, forMilliseconds: 6_000)
        timeline.append(TimedEvent(atMilliseconds: deeOfflineMs, event: .stop("dee")))
        traffic(from: 19_000, forMilliseconds: 5_000, skipping: "dee")
        timeline.append(TimedEvent(atMilliseconds: deeBackMs, event: .start("dee")))
        timeline.append(TimedEvent(atMilliseconds: hubBackMs, event: .restart(hub)))
        traffic(from: 31_000, forMilliseconds: 6_000)
        return Scenario(
            name: "demo",
            description: "A coordinator and five nodes: the coordinator goes away and comes back, a node goes offline and catches up.",
            seed: 1, coordinators: [CoordinatorSpec(name: hub)], nodes: ring, timeline: timeline,
            expectations: [
                .allDelivered(withinMilliseconds: 20_000), .noDuplicates,
                .path("coordinator", sentFromMilliseconds: 1_000, sentToMilliseconds: killHubMs),
                .path("mesh", sentFromMilliseconds: 11_000, sentToMilliseconds: deeOfflineMs),
                .path("coordinator", sentFromMilliseconds: 31_000, sentToMilliseconds: 37_000),
            ],
            deadlineMilliseconds: 55_000)
    }

    /// What is happening, in a line each, at its time.
    public static let narration: [Narration] = [
        Narration(atMilliseconds: 0, text: "A coordinator (hub) and five nodes in a ring: ana–ben–cai–dee–eli–ana; every node also links to hub."),
        Narration(atMilliseconds: 1_000, text: "Messages go between nodes that are not neighbours: hub takes them and pushes them on (path coordinator)."),
        Narration(atMilliseconds: killHubMs, text: "The coordinator is killed (SIGKILL)."),
        Narration(atMilliseconds: 11_000, text: "Messages keep arriving: the nodes carry them hop by hop around the ring (path mesh)."),
        Narration(atMilliseconds: deeOfflineMs, text: "dee goes offline. Messages for dee wait in custody on the other nodes."),
        Narration(atMilliseconds: deeBackMs, text: "dee is back and catches up on what it missed."),
        Narration(atMilliseconds: hubBackMs, text: "The coordinator comes back; the nodes link to it again."),
        Narration(atMilliseconds: 31_000, text: "Mail goes through the coordinator again; everyone catches up."),
    ]
}
