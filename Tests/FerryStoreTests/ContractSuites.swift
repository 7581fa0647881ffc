import FerrySQLite
import FerryStore
import XCTest

// The contract suite (MessageStoreContractTests) run once per implementation.

final class InMemoryStoreContractTests: MessageStoreContractTests {
    override func makeStore() throws -> any MessageStore { InMemoryMessageStore() }

    // The contract, one test per check (keep in step with MessageStoreContractTests and its extensions).
    func testHoldAssignsSeqAndEveryKindReadsBackUnchanged() throws { try checkHoldAssignsSeqAndEveryKindReadsBackUnchanged() }
    func testARelayOrMailboxMessageIsAlwaysHeldUndelivered() throws { try checkARelayOrMailboxMessageIsAlwaysHeldUndelivered() }
    func testHoldReturnsNilForAKeyAlreadyHeldOfAnyKind() throws { try checkHoldReturnsNilForAKeyAlreadyHeldOfAnyKind() }
    func testHeldByIDReturnsAtMostTheBoundInSeqOrder() throws { try checkHeldByIDReturnsAtMostTheBoundInSeqOrder() }
    func testPendingHeldForADestinationIsInSeqOrderAfterSeqWithinLimit() throws { try checkPendingHeldForADestinationIsInSeqOrderAfterSeqWithinLimit() }
    func testPendingHeldOfEveryDestinationIsInSeqOrderAfterSeqWithinLimit() throws { try checkPendingHeldOfEveryDestinationIsInSeqOrderAfterSeqWithinLimit() }
    func testExpiredAndDeliveredMessagesAreNotPending() throws { try checkExpiredAndDeliveredMessagesAreNotPending() }
    func testMarkDeliveredKeepsAnOwnMessageWithPathAndHops() throws { try checkMarkDeliveredKeepsAnOwnMessageWithPathAndHops() }
    func testMarkDeliveredRemovesARelayOrMailboxCopy() throws { try checkMarkDeliveredRemovesARelayOrMailboxCopy() }
    func testReleaseDropsRelayAndMailboxCopiesButNeverOwnMessages() throws { try checkReleaseDropsRelayAndMailboxCopiesButNeverOwnMessages() }
    func testSetCopiesChangesOnlyTheCopyBudget() throws { try checkSetCopiesChangesOnlyTheCopyBudget() }
    func testCustodyUsageCountsUndeliveredMessagesAndBytesPerKind() throws { try checkCustodyUsageCountsUndeliveredMessagesAndBytesPerKind() }
    func testCustodyBytesArePerOriginAndPerDestinationOfOneKind() throws { try checkCustodyBytesArePerOriginAndPerDestinationOfOneKind() }
    func testEvictionCandidatesAreNearestExpiryThenFewestCopiesThenOldest() throws { try checkEvictionCandidatesAreNearestExpiryThenFewestCopiesThenOldest() }
    func testExpireHeldRemovesExpiredUndeliveredOfEveryKindAndOldDeliveredOwnRows() throws { try checkExpireHeldRemovesExpiredUndeliveredOfEveryKindAndOldDeliveredOwnRows() }
    func testOwnPendingListsUndeliveredOwnMessagesOldestFirst() throws { try checkOwnPendingListsUndeliveredOwnMessagesOldestFirst() }
    func testCustodySeqIsNeverReusedAfterTheNewestMessageGoes() throws { try checkCustodySeqIsNeverReusedAfterTheNewestMessageGoes() }
    func testAddProofAssignsSeqAndReadsBackUnchanged() throws { try checkAddProofAssignsSeqAndReadsBackUnchanged() }
    func testAddingAProofAgainChangesNothing() throws { try checkAddingAProofAgainChangesNothing() }
    func testProofsListAfterSeqInOrderWithinLimit() throws { try checkProofsListAfterSeqInOrderWithinLimit() }
    func testPurgeProofsForgetsThoseExpiredAtOrBeforeNow() throws { try checkPurgeProofsForgetsThoseExpiredAtOrBeforeNow() }
    func testTrimProofsForgetsNearestExpiryFirstDownToKeep() throws { try checkTrimProofsForgetsNearestExpiryFirstDownToKeep() }
    func testProofSeqIsNeverReusedAfterTheNewestProofGoes() throws { try checkProofSeqIsNeverReusedAfterTheNewestProofGoes() }
    func testEmptyByteFieldsReadBackEmpty() throws { try checkEmptyByteFieldsReadBackEmpty() }
    func testAddInboundAssignsIncreasingSeqAndIgnoresTheCallersSeq() throws { try checkAddInboundAssignsIncreasingSeqAndIgnoresTheCallersSeq() }
    func testAddInboundReturnsNilForADuplicateAndChangesNothing() throws { try checkAddInboundReturnsNilForADuplicateAndChangesNothing() }
    func testSameIDWithAnotherAckSecretIsAnotherInboundMessage() throws { try checkSameIDWithAnotherAckSecretIsAnotherInboundMessage() }
    func testInboundByIDReturnsAtMostTheBoundOldestFirst() throws { try checkInboundByIDReturnsAtMostTheBoundOldestFirst() }
    func testInboxListsAfterSeqInOrderWithinLimit() throws { try checkInboxListsAfterSeqInOrderWithinLimit() }
    func testIdentityRecordsArePutReplacedAndRead() throws { try checkIdentityRecordsArePutReplacedAndRead() }
    func testIdentityRecordsAreTrimmedToACap() throws { try checkIdentityRecordsAreTrimmedToACap() }
    func testAnOlderIdentityRecordNeverReplacesANewerOne() throws { try checkAnOlderIdentityRecordNeverReplacesANewerOne() }
    func testAnIdentityRecordThatDoesNotDecodeIsRefused() throws { try checkAnIdentityRecordThatDoesNotDecodeIsRefused() }
    func testCountsReflectCustodyInboxAndProofs() throws { try checkCountsReflectCustodyInboxAndProofs() }
    func testCommitKeepsEverythingReadable() throws { try checkCommitKeepsEverythingReadable() }
    func testRollbackDropsUncommittedWritesAndKeepsCommittedOnes() throws { try checkRollbackDropsUncommittedWritesAndKeepsCommittedOnes() }
    func testWritesAndCommitsWorkAfterARollback() throws { try checkWritesAndCommitsWorkAfterARollback() }
    func testFailedWriteLeavesEarlierWritesOfTheGroupInPlace() throws { try checkFailedWriteLeavesEarlierWritesOfTheGroupInPlace() }
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

    // The contract, one test per check (keep in step with MessageStoreContractTests and its extensions).
    func testHoldAssignsSeqAndEveryKindReadsBackUnchanged() throws { try checkHoldAssignsSeqAndEveryKindReadsBackUnchanged() }
    func testARelayOrMailboxMessageIsAlwaysHeldUndelivered() throws { try checkARelayOrMailboxMessageIsAlwaysHeldUndelivered() }
    func testHoldReturnsNilForAKeyAlreadyHeldOfAnyKind() throws { try checkHoldReturnsNilForAKeyAlreadyHeldOfAnyKind() }
    func testHeldByIDReturnsAtMostTheBoundInSeqOrder() throws { try checkHeldByIDReturnsAtMostTheBoundInSeqOrder() }
    func testPendingHeldForADestinationIsInSeqOrderAfterSeqWithinLimit() throws { try checkPendingHeldForADestinationIsInSeqOrderAfterSeqWithinLimit() }
    func testPendingHeldOfEveryDestinationIsInSeqOrderAfterSeqWithinLimit() throws { try checkPendingHeldOfEveryDestinationIsInSeqOrderAfterSeqWithinLimit() }
    func testExpiredAndDeliveredMessagesAreNotPending() throws { try checkExpiredAndDeliveredMessagesAreNotPending() }
    func testMarkDeliveredKeepsAnOwnMessageWithPathAndHops() throws { try checkMarkDeliveredKeepsAnOwnMessageWithPathAndHops() }
    func testMarkDeliveredRemovesARelayOrMailboxCopy() throws { try checkMarkDeliveredRemovesARelayOrMailboxCopy() }
    func testReleaseDropsRelayAndMailboxCopiesButNeverOwnMessages() throws { try checkReleaseDropsRelayAndMailboxCopiesButNeverOwnMessages() }
    func testSetCopiesChangesOnlyTheCopyBudget() throws { try checkSetCopiesChangesOnlyTheCopyBudget() }
    func testCustodyUsageCountsUndeliveredMessagesAndBytesPerKind() throws { try checkCustodyUsageCountsUndeliveredMessagesAndBytesPerKind() }
    func testCustodyBytesArePerOriginAndPerDestinationOfOneKind() throws { try checkCustodyBytesArePerOriginAndPerDestinationOfOneKind() }
    func testEvictionCandidatesAreNearestExpiryThenFewestCopiesThenOldest() throws { try checkEvictionCandidatesAreNearestExpiryThenFewestCopiesThenOldest() }
    func testExpireHeldRemovesExpiredUndeliveredOfEveryKindAndOldDeliveredOwnRows() throws { try checkExpireHeldRemovesExpiredUndeliveredOfEveryKindAndOldDeliveredOwnRows() }
    func testOwnPendingListsUndeliveredOwnMessagesOldestFirst() throws { try checkOwnPendingListsUndeliveredOwnMessagesOldestFirst() }
    func testCustodySeqIsNeverReusedAfterTheNewestMessageGoes() throws { try checkCustodySeqIsNeverReusedAfterTheNewestMessageGoes() }
    func testAddProofAssignsSeqAndReadsBackUnchanged() throws { try checkAddProofAssignsSeqAndReadsBackUnchanged() }
    func testAddingAProofAgainChangesNothing() throws { try checkAddingAProofAgainChangesNothing() }
    func testProofsListAfterSeqInOrderWithinLimit() throws { try checkProofsListAfterSeqInOrderWithinLimit() }
    func testPurgeProofsForgetsThoseExpiredAtOrBeforeNow() throws { try checkPurgeProofsForgetsThoseExpiredAtOrBeforeNow() }
    func testTrimProofsForgetsNearestExpiryFirstDownToKeep() throws { try checkTrimProofsForgetsNearestExpiryFirstDownToKeep() }
    func testProofSeqIsNeverReusedAfterTheNewestProofGoes() throws { try checkProofSeqIsNeverReusedAfterTheNewestProofGoes() }
    func testEmptyByteFieldsReadBackEmpty() throws { try checkEmptyByteFieldsReadBackEmpty() }
    func testAddInboundAssignsIncreasingSeqAndIgnoresTheCallersSeq() throws { try checkAddInboundAssignsIncreasingSeqAndIgnoresTheCallersSeq() }
    func testAddInboundReturnsNilForADuplicateAndChangesNothing() throws { try checkAddInboundReturnsNilForADuplicateAndChangesNothing() }
    func testSameIDWithAnotherAckSecretIsAnotherInboundMessage() throws { try checkSameIDWithAnotherAckSecretIsAnotherInboundMessage() }
    func testInboundByIDReturnsAtMostTheBoundOldestFirst() throws { try checkInboundByIDReturnsAtMostTheBoundOldestFirst() }
    func testInboxListsAfterSeqInOrderWithinLimit() throws { try checkInboxListsAfterSeqInOrderWithinLimit() }
    func testIdentityRecordsArePutReplacedAndRead() throws { try checkIdentityRecordsArePutReplacedAndRead() }
    func testIdentityRecordsAreTrimmedToACap() throws { try checkIdentityRecordsAreTrimmedToACap() }
    func testAnOlderIdentityRecordNeverReplacesANewerOne() throws { try checkAnOlderIdentityRecordNeverReplacesANewerOne() }
    func testAnIdentityRecordThatDoesNotDecodeIsRefused() throws { try checkAnIdentityRecordThatDoesNotDecodeIsRefused() }
    func testCountsReflectCustodyInboxAndProofs() throws { try checkCountsReflectCustodyInboxAndProofs() }
    func testCommitKeepsEverythingReadable() throws { try checkCommitKeepsEverythingReadable() }
    func testRollbackDropsUncommittedWritesAndKeepsCommittedOnes() throws { try checkRollbackDropsUncommittedWritesAndKeepsCommittedOnes() }
    func testWritesAndCommitsWorkAfterARollback() throws { try checkWritesAndCommitsWorkAfterARollback() }
    func testFailedWriteLeavesEarlierWritesOfTheGroupInPlace() throws { try checkFailedWriteLeavesEarlierWritesOfTheGroupInPlace() }
}
