import XCTest

final class FerryStoreTestsPlaceholder: XCTestCase {
    func testPlaceholder() {}
}
