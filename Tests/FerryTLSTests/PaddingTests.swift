import XCTest
import FerryWire
@testable import FerryTLS

/// Every frame becomes its own record, so records are padded to whole blocks: an observer learns a
/// frame's size only to the block.
final class PaddingTests: XCTestCase {
    private let block = TLSLimits.recordPaddingBlockBytes

    /// The ciphertext one send of `count` bytes makes, after checking the peer reads it back intact.
    private func wireBytes(_ count: Int, from sender: OpenSSLEngine, to receiver: OpenSSLEngine) throws -> Int {
        let plaintext = TestKeys.payload(count: count)
        try sender.send(plaintext: plaintext)
        let wire = sender.takeOutput()
        XCTAssertEqual(try receiver.receive(ciphertext: wire), plaintext, "\(count) bytes")
        return wire.count
    }

    func testRecordLengthGrowsOnlyByWholeBlocks() throws {
        let pair = try TLSPair()
        try pair.handshake()
        for (sender, receiver) in [(pair.client, pair.server), (pair.server, pair.client)] {
            let one = try wireBytes(1, from: sender, to: receiver)
            XCTAssertGreaterThan(one, block, "a 1-byte frame fills a whole block")
            // The record's content-type byte shares the block with the data: 255 + 1 fill it.
            for count in [2, 100, 200, 255] {
                XCTAssertEqual(try wireBytes(count, from: sender, to: receiver), one, "\(count) bytes")
            }
            for count in [256, 300, 511] {
                XCTAssertEqual(try wireBytes(count, from: sender, to: receiver), one + block, "\(count) bytes")
            }
            XCTAssertEqual(try wireBytes(512, from: sender, to: receiver), one + 2 * block)
        }
    }
}
