@testable import FerryTestbed
import XCTest

/// The pure parts of `--hosts netns`: how a run names its namespaces and tells a dead run's from a
/// live one's, its addresses, and the `tc` commands that impair one link.
final class NetnsHostsTests: XCTestCase {
    func testNamesCarryTheRunnerPIDAndAddressesStayIn198_18Slash15() {
        let names = NetnsNames(pid: 4242)
        XCTAssertEqual(names.switchNamespace, "ferrytb-4242")
        XCTAssertEqual(names.hostNamespace("c1"), "ferrytb-4242-c1")
        XCTAssertEqual(names.subnet, 4242 % 512)
        XCTAssertEqual(names.address(1), "198.18.146.11")
        for pid: Int32 in [1, 255, 256, 511, 512, 4_194_303] {
            let address = NetnsNames(pid: pid).address(NetnsNames.hostsMax)
            let octets = address.split(separator: ".").compactMap { Int($0) }
            XCTAssertEqual(octets.count, 4, address)
            XCTAssertEqual(octets[0], 198, address)
            XCTAssertTrue((18...19).contains(octets[1]), address)
            XCTAssertTrue((11...254).contains(octets[3]), address)
        }
    }

    func testRunnerPIDIsReadOnlyFromATestbedNamespaceName() {
        XCTAssertEqual(NetnsNames.runnerPID(of: "ferrytb-4242"), 4242)
        XCTAssertEqual(NetnsNames.runnerPID(of: "ferrytb-4242-c1"), 4242)
        XCTAssertEqual(NetnsNames.runnerPID(of: "ferrytb-4242-a-long-name-7"), 4242)
        for other in ["ferrytb-", "ferrytb-x1", "ferrytb-12x", "ferrytb-0", "ferry-511-4242-h1", "ferrytb4242", "xferrytb-1", "ferrytb-99999999999"] {
            XCTAssertNil(NetnsNames.runnerPID(of: other), other)
        }
    }

    func testAPIDIsAliveWhileItsProcessIs() {
        XCTAssertTrue(NetnsNames.isAlive(getpid()))
        XCTAssertFalse(NetnsNames.isAlive(Int32.max), "no process has the largest PID")
    }

    func testImpairingALinkShapesOnlyTrafficToThePeer() {
        let minor = NetnsShaping.classMinor(peerNumber: 3)
        XCTAssertEqual(minor, "13")
        XCTAssertEqual(NetnsShaping.classMinor(peerNumber: 64), "50")
        XCTAssertEqual(NetnsShaping.rootCommands(device: "eth0"), [["qdisc", "add", "dev", "eth0", "root", "handle", "1:", "htb"]])
        let classes = NetnsShaping.classCommands(device: "eth0", peerAddress: "198.18.0.13", minor: minor)
        XCTAssertEqual(classes.map { $0.joined(separator: " ") }, [
            "class add dev eth0 parent 1: classid 1:13 htb rate 10gbit quantum 60000",
            "filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip dst 198.18.0.13/32 flowid 1:13",
        ])
        let impair = NetnsShaping.impairCommand(device: "eth0", minor: minor, .init(lossPercent: 12.5, delayMilliseconds: 200))
        XCTAssertEqual(impair.joined(separator: " "), "qdisc replace dev eth0 parent 1:13 handle 13: netem delay 200ms loss 12.5%")
        XCTAssertEqual(
            NetnsShaping.impairCommand(device: "eth0", minor: minor, .init(lossPercent: 20, delayMilliseconds: 0)).suffix(4),
            ["delay", "0ms", "loss", "20%"])
        XCTAssertEqual(NetnsShaping.clearCommand(device: "eth0", minor: minor).joined(separator: " "), "qdisc del dev eth0 parent 1:13 handle 13:")
    }

    func testTheHookGetsOnlyWhatTheNetworkCannotCarry() {
        let hosts = NetnsHosts(say: { _ in })
        let both = LinkCondition(cutByEvent: true, impairment: .init(lossPercent: 20, delayMilliseconds: 200))
        XCTAssertEqual(hosts.hookPart(of: both), .intact, "netem and ss -K: nothing for the hook")
        hosts.netemMissing = "this kernel lacks CONFIG_NET_SCH_NETEM"
        XCTAssertEqual(hosts.hookPart(of: both), LinkCondition(impairment: both.impairment))
        hosts.socketsClosable = false
        XCTAssertEqual(hosts.hookPart(of: both), LinkCondition(cutByEvent: true, impairment: both.impairment))
        XCTAssertEqual(hosts.hookPart(of: LinkCondition(cutBySplit: true)), LinkCondition(cutByEvent: true), "a split's cut is a cut to the hook")
    }

    func testABatchIsOneCommandALine() {
        XCTAssertEqual(NetnsHosts.batch([["netns", "add", "a"], ["netns", "add", "b"]]), "netns add a\nnetns add b\n")
    }
}
