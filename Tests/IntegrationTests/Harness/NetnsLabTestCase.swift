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

    /// A lab that tearDown deletes.
    func makeLab(hosts: Int) throws -> NetnsLab {
        let lab = try NetnsLab(hosts: hosts)
        labs.append(lab)
        return lab
    }
}
