import Foundation
import XCTest

/// Many messages through one `ferry send - --lines`, and texts of an exact size.
extension IntegrationTestCase {
    /// Sends each text (no newlines in them) as its own message; returns the ids in order.
    func sendLines(
        from node: FerryNodeProcess, to recipient: String, _ texts: [String], timeout: TimeInterval = Harness.cliTimeoutSeconds
    ) throws -> [String] {
        precondition(texts.allSatisfy { !$0.contains("\n") }, "one message per line")
        let sent = try ferry(["send", "--data", node.dataDir, recipient, "-", "--lines"], stdin: texts.joined(separator: "\n") + "\n", timeout: timeout)
        guard sent.exitCode == 0, sent.stdoutLines.count == texts.count, sent.stdoutLines.allSatisfy({ $0.count == 32 }) else {
            throw HarnessError("send --lines of \(texts.count) messages from \(node.name) to \(recipient) failed: \(sent)")
        }
        return sent.stdoutLines
    }

    /// A text of exactly `bytes` bytes of UTF-8 that starts with `label` and has no newline.
    func text(_ label: String, bytes: Int) -> String {
        let head = label + " "
        precondition(head.utf8.count <= bytes)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let fill = (0..<(bytes - head.utf8.count)).map { letters[$0 % letters.count] }
        return head + String(fill)
    }
}
