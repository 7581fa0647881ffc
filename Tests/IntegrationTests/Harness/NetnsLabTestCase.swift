import Foundation
import XCTest

/// Base class for tests on a network-namespace lab: skips where labs cannot be made, sweeps labs
/// left by crashed runs at setUp, and tears down every lab it made after the nodes have stopped
/// (nodes inside a namespace get their SIGTERM first), even when the test failed.
class NetnsLabTestCase: IntegrationTestCase {
    private var labs: [NetnsLab] = []

    override func setUpWithError() throws {
        if let reason = NetnsLab.unavailableReason { throw XCTSkip("needs network namespaces: \(reason)") }
        try super.setUpWithError()
        let swept = try NetnsLab.sweepStale()
        if !swept.isEmpty { print("removed namespaces of crashed runs: \(swept.joined(separator: " "))") }
    }

    override func tearDown() {
        super.tearDown()
        for lab in labs {
            do {
                let problems = try lab.teardown()
                if !problems.isEmpty { XCTFail("lab \(lab.naming.runID) teardown: \(problems.joined(separator: "; "))") }
            } catch {
                XCTFail("lab \(lab.naming.runID) teardown: \(error)")
            }
        }
        labs = []
    }

    /// A lab that tearDown deletes; with `ipv4: false` its hosts have IPv6 link-local addresses only
    /// (skipped with the reason where the kernel has no IPv6).
    func makeLab(hosts: Int, ipv4: Bool = true) throws -> NetnsLab {
        let lab: NetnsLab
        do {
            lab = try NetnsLab(hosts: hosts, ipv4: ipv4)
        } catch let unavailable as NetnsLab.Unavailable {
            throw XCTSkip("needs a network-namespace lab: \(unavailable)")
        }
        labs.append(lab)
        return lab
    }
}
