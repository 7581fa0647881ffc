import FerrySQLite
import FerryStore
import XCTest

// The contract suite (MessageStoreContractTests) run once per implementation.

final class InMemoryStoreContractTests: MessageStoreContractTests {
    override func makeStore() throws -> any MessageStore { InMemoryMessageStore() }

    // The contract, one test per check (keep in step with MessageStoreContractTests).
    func testAddedOutboundReadsBackUnchanged() throws { try checkAddedOutboundReadsBackUnchanged() }
    func testEmptyByteFieldsReadBackEmpty() throws { try checkEmptyByteFieldsReadBackEmpty() }
    func testAddingDuplicateOutboundThrowsAndKeepsOriginal() throws { try checkAddingDuplicateOutboundThrowsAndKeepsOriginal() }
    func testPendingOutboundIsOldestFirstForOneDestinationWithinLimit() throws { try checkPendingOutboundIsOldestFirstForOneDestinationWithinLimit() }
    func testPendingOutboundAfterSeqSkipsWhatWasOffered() throws { try checkPendingOutboundAfterSeqSkipsWhatWasOffered() }
    func testExpiredAndDeliveredOutboundAreNotPending() throws { try checkExpiredAndDeliveredOutboundAreNotPending() }
    func testMarkDeliveredSucceedsOnceForAKnownMessage() throws { try checkMarkDeliveredSucceedsOnceForAKnownMessage() }
    func testMarkReceiptRecordsTimesAndImpliesDelivery() throws { try checkMarkReceiptRecordsTimesAndImpliesDelivery() }
    func testExpireOutboundRemovesOnlyUndeliveredExpiredMessages() throws { try checkExpireOutboundRemovesOnlyUndeliveredExpiredMessages() }
    func testOutboundOrderSurvivesRemovals() throws { try checkOutboundOrderSurvivesRemovals() }
    func testAddInboundAssignsIncreasingSeqAndIgnoresTheCallersSeq() throws { try checkAddInboundAssignsIncreasingSeqAndIgnoresTheCallersSeq() }
    func testAddInboundReturnsNilForADuplicateAndChangesNothing() throws { try checkAddInboundReturnsNilForADuplicateAndChangesNothing() }
    func testInboxListsAfterSeqInOrderWithinLimit() throws { try checkInboxListsAfterSeqInOrderWithinLimit() }
    func testSeenIdsAreRememberedUntilPurged() throws { try checkSeenIdsAreRememberedUntilPurged() }
    func testMarkingSeenAgainNeverShortensTheMemory() throws { try checkMarkingSeenAgainNeverShortensTheMemory() }
    func testIdentityRecordsArePutReplacedAndRead() throws { try checkIdentityRecordsArePutReplacedAndRead() }
    func testCountsReflectOutboxStateAndInbox() throws { try checkCountsReflectOutboxStateAndInbox() }
    func testCommitKeepsEverythingReadable() throws { try checkCommitKeepsEverythingReadable() }
    func testFailedWriteLeavesEarlierWritesOfTheGroupInPlace() throws { try checkFailedWriteLeavesEarlierWritesOfTheGroupInPlace() }
    func testOutboxSeqIsNeverReusedAfterTheNewestMessageGoes() throws { try checkOutboxSeqIsNeverReusedAfterTheNewestMessageGoes() }
    func testSameIDWithAnotherAckSecretIsAnotherInboundMessage() throws { try checkSameIDWithAnotherAckSecretIsAnotherInboundMessage() }
    func testInboundByIDReturnsAtMostTheBoundOldestFirst() throws { try checkInboundByIDReturnsAtMostTheBoundOldestFirst() }
    func testSeenIsKeyedOnIDAndAckHash() throws { try checkSeenIsKeyedOnIDAndAckHash() }
    func testAnOlderIdentityRecordNeverReplacesANewerOne() throws { try checkAnOlderIdentityRecordNeverReplacesANewerOne() }
    func testAnIdentityRecordThatDoesNotDecodeIsRefused() throws { try checkAnIdentityRecordThatDoesNotDecodeIsRefused() }
    func testRollbackDropsUncommittedWritesAndKeepsCommittedOnes() throws { try checkRollbackDropsUncommittedWritesAndKeepsCommittedOnes() }
    func testWritesAndCommitsWorkAfterARollback() throws { try checkWritesAndCommitsWorkAfterARollback() }
}

final class SQLiteStoreContractTests: MessageStoreContractTests {
    private var directory: TemporaryDirectory?
    private var sqliteStore: SQLiteMessageStore?

    override func makeStore() throws -> any MessageStore {
        let directory = try TemporaryDirectory()
        self.directory = directory
        let store = try SQLiteMessageStore(path: directory.databasePath)
        sqliteStore = store
        return store
    }

    override func tearDownWithError() throws {
        defer { directory?.remove() }
        try sqliteStore?.close()
        sqliteStore = nil
        try super.tearDownWithError()
    }

    // The contract, one test per check (keep in step with MessageStoreContractTests).
    func testAddedOutboundReadsBackUnchanged() throws { try checkAddedOutboundReadsBackUnchanged() }
    func testEmptyByteFieldsReadBackEmpty() throws { try checkEmptyByteFieldsReadBackEmpty() }
    func testAddingDuplicateOutboundThrowsAndKeepsOriginal() throws { try checkAddingDuplicateOutboundThrowsAndKeepsOriginal() }
    func testPendingOutboundIsOldestFirstForOneDestinationWithinLimit() throws { try checkPendingOutboundIsOldestFirstForOneDestinationWithinLimit() }
    func testPendingOutboundAfterSeqSkipsWhatWasOffered() throws { try checkPendingOutboundAfterSeqSkipsWhatWasOffered() }
    func testExpiredAndDeliveredOutboundAreNotPending() throws { try checkExpiredAndDeliveredOutboundAreNotPending() }
    func testMarkDeliveredSucceedsOnceForAKnownMessage() throws { try checkMarkDeliveredSucceedsOnceForAKnownMessage() }
    func testMarkReceiptRecordsTimesAndImpliesDelivery() throws { try checkMarkReceiptRecordsTimesAndImpliesDelivery() }
    func testExpireOutboundRemovesOnlyUndeliveredExpiredMessages() throws { try checkExpireOutboundRemovesOnlyUndeliveredExpiredMessages() }
    func testOutboundOrderSurvivesRemovals() throws { try checkOutboundOrderSurvivesRemovals() }
    func testAddInboundAssignsIncreasingSeqAndIgnoresTheCallersSeq() throws { try checkAddInboundAssignsIncreasingSeqAndIgnoresTheCallersSeq() }
    func testAddInboundReturnsNilForADuplicateAndChangesNothing() throws { try checkAddInboundReturnsNilForADuplicateAndChangesNothing() }
    func testInboxListsAfterSeqInOrderWithinLimit() throws { try checkInboxListsAfterSeqInOrderWithinLimit() }
    func testSeenIdsAreRememberedUntilPurged() throws { try checkSeenIdsAreRememberedUntilPurged() }
    func testMarkingSeenAgainNeverShortensTheMemory() throws { try checkMarkingSeenAgainNeverShortensTheMemory() }
    func testIdentityRecordsArePutReplacedAndRead() throws { try checkIdentityRecordsArePutReplacedAndRead() }
    func testCountsReflectOutboxStateAndInbox() throws { try checkCountsReflectOutboxStateAndInbox() }
    func testCommitKeepsEverythingReadable() throws { try checkCommitKeepsEverythingReadable() }
    func testFailedWriteLeavesEarlierWritesOfTheGroupInPlace() throws { try checkFailedWriteLeavesEarlierWritesOfTheGroupInPlace() }
    func testOutboxSeqIsNeverReusedAfterTheNewestMessageGoes() throws { try checkOutboxSeqIsNeverReusedAfterTheNewestMessageGoes() }
    func testSameIDWithAnotherAckSecretIsAnotherInboundMessage() throws { try checkSameIDWithAnotherAckSecretIsAnotherInboundMessage() }
    func testInboundByIDReturnsAtMostTheBoundOldestFirst() throws { try checkInboundByIDReturnsAtMostTheBoundOldestFirst() }
    func testSeenIsKeyedOnIDAndAckHash() throws { try checkSeenIsKeyedOnIDAndAckHash() }
    func testAnOlderIdentityRecordNeverReplacesANewerOne() throws { try checkAnOlderIdentityRecordNeverReplacesANewerOne() }
    func testAnIdentityRecordThatDoesNotDecodeIsRefused() throws { try checkAnIdentityRecordThatDoesNotDecodeIsRefused() }
    func testRollbackDropsUncommittedWritesAndKeepsCommittedOnes() throws { try checkRollbackDropsUncommittedWritesAndKeepsCommittedOnes() }
    func testWritesAndCommitsWorkAfterARollback() throws { try checkWritesAndCommitsWorkAfterARollback() }
}
