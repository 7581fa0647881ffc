import FerryCore
import FerryWire
import XCTest

/// A lying or broken peer gets an error, never a crash, and never more work or memory than the
/// limits allow. Every error fails the sync for good.
final class ReconcilerHostileTests: XCTestCase {
    static let items = SyncItems(SyncSets(seed: 40).items(2000))

    func expectFailure(
        _ bytes: [UInt8], _ matches: (SyncError) -> Bool, file: StaticString = #filePath, line: UInt = #line
    ) {
        var reconciler = Reconciler(items: Self.items)
        XCTAssertThrowsError(try reconciler.respond(toEncoded: bytes), file: file, line: line) { error in
            XCTAssertTrue(matches(error as! SyncError), "\(error)", file: file, line: line)
        }
        XCTAssertEqual(reconciler.state, .failed, file: file, line: line)
        let valid = SyncMessage(ranges: [SyncRange(upperBound: .infinity, mode: .itemList([]))]).encoded()
        XCTAssertThrowsError(try reconciler.respond(toEncoded: valid), file: file, line: line) {
            XCTAssertEqual($0 as? SyncError, .alreadyFailed, file: file, line: line)
        }
    }

    func malformed(_ expected: @escaping (WireError) -> Bool) -> (SyncError) -> Bool {
        { error in
            guard case .malformed(let wire) = error else { return false }
            return expected(wire)
        }
    }

    func bytes(_ text: String) -> [UInt8] { Hex.decode(text)! }

    static let fingerprint = String(repeating: "ab", count: 16)

    func testUnsortedBoundsAreRefused() {
        let later: String = "b1bcff95d001" + "00" + "01" + Self.fingerprint
        let earlier: String = "01" + "00" + "01" + Self.fingerprint
        expectFailure(bytes("01" + later + earlier + "0000"), malformed {
            if case .invalid = $0 { true } else { false }
        })
    }

    func testAnItemListOverTheLimitIsRefusedBeforeItIsRead() {
        // Claims 4097 items and sends none: refused on the count, nothing allocated.
        expectFailure(bytes("01" + "00" + "02" + "a001"), malformed {
            $0 == .invalid(field: "sync item list", reason: "4097 entries, limit is 4096")
        })
    }

    func testTruncatedAndTrailingBytesAreRefused() {
        let list = SyncRange(upperBound: .infinity, mode: .itemList(Array(Self.items.prefix(3))))
        let message = SyncMessage(ranges: [list]).encoded()
        expectFailure(Array(message.dropLast()), malformed { if case .truncated = $0 { true } else { false } })
        expectFailure(message + [0x00], malformed { $0 == .trailingBytes(count: 1) })
    }

    func testADifferenceSayingWeLackWhatWeHoldIsRefused() {
        let held = Self.items[5]
        let message = SyncMessage(ranges: [
            SyncRange(
                upperBound: .infinity,
                mode: .difference(SyncDifference(senderOnly: [held], receiverOnlyPositions: []))),
        ])
        expectFailure(message.encoded()) { if case .inconsistent = $0 { return true } else { return false } }
    }

    func testADifferencePositionPastOurItemsIsRefused() {
        let bound = SyncBound.between(Self.items[9], Self.items[10])
        let message = SyncMessage(ranges: [
            SyncRange(
                upperBound: bound, mode: .difference(SyncDifference(senderOnly: [], receiverOnlyPositions: [10]))),
            SyncRange(upperBound: .infinity, mode: .skip),
        ])
        expectFailure(message.encoded()) { if case .inconsistent = $0 { return true } else { return false } }
    }

    func testAPeerThatNeverLetsTheSyncEndIsStoppedAtTheRoundLimit() throws {
        // Whatever we answer, the peer asks about the same mismatched fingerprints again.
        let other = Reconciler(items: SyncItems(SyncSets(seed: 41).items(2000)))
        var asker = other
        let question = asker.initiate().encoded()
        var reconciler = Reconciler(items: Self.items)
        for _ in 0..<ReconcilerLimits().roundsMax {
            let step = try reconciler.respond(toEncoded: question)
            XCTAssertNotNil(step.reply)
        }
        XCTAssertEqual(reconciler.messagesReceived, 256)
        XCTAssertThrowsError(try reconciler.respond(toEncoded: question)) {
            XCTAssertEqual($0 as? SyncError, .tooManyRounds(max: 256))
        }
    }

    func testAFloodOfMismatchedFingerprintsGetsAReplyWithinTheLimits() throws {
        // As many fingerprint ranges as fit in a message, every one mismatched: splitting them all
        // would take far more than one reply, so the reply is cut and ends with one fingerprint
        // of the rest.
        let items = SyncItems(SyncSets(seed: 42).items(100_000))
        let ranges = (1..<6000).map { index in
            SyncRange(
                upperBound: .at(
                    created: Timestamp(milliseconds: SyncSets.start + UInt64(index) * 70_000), idPrefix: []),
                mode: .fingerprint(try! SyncFingerprint(bytes: [UInt8](repeating: 0xab, count: 16))))
        } + [SyncRange(upperBound: .infinity, mode: .skip)]
        let bytes = SyncMessage(ranges: ranges).encoded()
        XCTAssertLessThanOrEqual(bytes.count, WireLimits.syncMessageBytesMax)
        var reconciler = Reconciler(items: items)
        let reply = try XCTUnwrap(try reconciler.respond(toEncoded: bytes).reply)
        let encoded = reply.encoded()
        XCTAssertLessThanOrEqual(encoded.count, ReconcilerLimits().replyBytesMax)
        XCTAssertLessThanOrEqual(reply.ranges.count, WireLimits.syncRangesPerMessageMax)
        XCTAssertEqual(try SyncMessage.decode(encoded), reply)
        guard case .fingerprint = reply.ranges.last?.mode else { return XCTFail("the reply was not cut") }
    }

    func testAnEmptyItemListAgainstManyItemsIsAnsweredInBoundedStretches() throws {
        // "I hold nothing": the answer would list 100 000 items; it is cut at the reply limit, in
        // differences of at most 4096 items each.
        let items = SyncItems(SyncSets(seed: 43).items(100_000))
        var reconciler = Reconciler(items: items)
        let question = SyncMessage(ranges: [SyncRange(upperBound: .infinity, mode: .itemList([]))])
        let step = try reconciler.respond(to: question)
        let reply = try XCTUnwrap(step.reply)
        XCTAssertLessThanOrEqual(reply.encoded().count, WireLimits.syncMessageBytesMax)
        var listed = 0
        for range in reply.ranges {
            if case .difference(let difference) = range.mode {
                XCTAssertLessThanOrEqual(difference.senderOnly.count, WireLimits.syncItemsPerListMax)
                listed += difference.senderOnly.count
            }
        }
        XCTAssertEqual(step.have.count, listed)
        XCTAssertGreaterThan(listed, 5000)
        XCTAssertLessThan(listed, 100_000)
    }

    func testAMessageAfterTheSyncEndedIsRefused() throws {
        var reconciler = Reconciler(items: Self.items)
        let settled = SyncMessage(ranges: [SyncRange(upperBound: .infinity, mode: .skip)])
        XCTAssertNil(try reconciler.respond(to: settled).reply)
        XCTAssertTrue(reconciler.isComplete)
        XCTAssertThrowsError(try reconciler.respond(to: settled)) { XCTAssertEqual($0 as? SyncError, .afterCompletion) }
    }
}
